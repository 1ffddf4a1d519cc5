// Run and Stop from the built page, through the same-origin proxy, against the local
// Phantom-compatible endpoint: the tutorial's flow with a compressed ramp (interval 1 s,
// hold 3 s), entered in the Ramp form as a person would. What arrived is checked in the
// SIMULATOR'S OWN record (`/__sim/state`, `/__sim/log`), never in the page alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  startPageServer, startMoto, launchBrowser, fillConnection, OUTPUT,
  openRunPage as openSharedRunPage, param, runButton, logText, waitForLine, journal, median,
} from './harness.mjs';

const AK = 'PDEE2ERUNKEY';
const SECRET = 'e2e-run-secret/with+odd=chars';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const tagsOf = (domain) => Object.fromEntries((domain.tags || []).map((t) => [t.key ?? t.Key, t.value ?? t.Value]));

/** Opens the page with the simulator behind the proxy and the compressed tutorial ramp. */
async function openRunPage(scheme, faults = null) {
  return openSharedRunPage(browser, { accessKey: AK, secret: SECRET, scheme, faults, ramp: { interval: 1, hold: 3 } });
}

for (const scheme of ['v2-hmac-sha256', 'v4-phantom']) {
  test(`the tutorial flow with a compressed ramp runs to the end (${scheme})`, async () => {
    const { sim, page, problems, close } = await openRunPage(scheme);
    try {
      assert.ok(await runButton(page).isEnabled());
      await runButton(page).click();
      // While the ramp is at 4: every VM on hotel (the overflow policy fills it first).
      let atFour = null;
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const st = await sim.state();
        const d = st.domains.find((x) => x.name === 'my_domain');
        if (d && Number(d.desired) === 4) {
          await new Promise((r) => setTimeout(r, 1200));
          atFour = (await sim.state()).domains.find((x) => x.name === 'my_domain');
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(atFour, 'the domain never reached capacity 4');
      const live = atFour.instances.filter((i) => !/TERMINAT|gone/.test(i.state));
      assert.equal(live.length, 4, JSON.stringify(atFour.instances));
      assert.ok(live.every((i) => i.cloud === 'hotel'), JSON.stringify(live));

      await waitForLine(page, 'Run finished', 30_000);
      const text = await logText(page);
      assert.match(text, /Run finished\s+completed/, text);
      assert.ok(await runButton(page).isEnabled());

      const st = await sim.state();
      const lcs = st.launch_configurations.map((l) => l.name).sort();
      assert.deepEqual(lcs, ['my_launch_config@hotel', 'my_launch_config@sierra']);
      const d = st.domains.find((x) => x.name === 'my_domain');
      assert.ok(d, JSON.stringify(st.domains));
      const tags = tagsOf(d);
      assert.equal(tags.PHANTOM_DEFINITION, 'error_overflow_n_preserving');
      assert.equal(tags.clouds, 'hotel:4,sierra:4');
      assert.equal(tags.minimum_vms, '0');
      assert.equal(Number(d.desired), 0);

      const log = await sim.log();
      assert.ok(log.every((r) => r.status === 200 && r.auth === (scheme === 'v4-phantom' ? 'v4' : 'v2')), JSON.stringify(log.filter((r) => r.status !== 200)));
      const sets = log.filter((r) => r.action === 'SetDesiredCapacity');
      assert.deepEqual(sets.map((r) => Number(param(r, 'DesiredCapacity'))), [1, 2, 3, 4, 0]);
      const gaps = sets.slice(1).map((r, i) => r.received_ms - sets[i].received_ms);
      for (const g of gaps.slice(0, 3)) assert.ok(g > 700 && g < 1300, `ramp gaps ${gaps}`);
      assert.ok(gaps[3] > 2700 && gaps[3] < 3300, `hold gap ${gaps}`);

      // The journal: lateness of the timed steps, time from Run to the domain created.
      const events = await journal(page);
      const lateness = events.filter((e) => e.type === 'ramp-step').map((e) => e.lateness_ms);
      const started = events.find((e) => e.type === 'run-started');
      const ramp = events.find((e) => e.type === 'ramp-started');
      console.log(`# ${scheme}: step lateness ms ${JSON.stringify(lateness)} median ${median(lateness)} worst ${Math.max(...lateness)}; Run → domain created ${Math.round(ramp.at_ms - started.at_ms)} ms`);
      assert.equal(lateness.length, 5);
      const html = await page.content();
      assert.ok(!html.includes(SECRET));
      const stored = await page.evaluate(() => JSON.stringify(Object.assign({}, localStorage)));
      assert.ok(!stored.includes(SECRET), 'the secret is in localStorage');
      if (scheme === 'v2-hmac-sha256') await page.screenshot({ path: path.join(OUTPUT, 'run.png'), fullPage: true });
      // Download (JSON and text) and Copy give the same journal, without the secret.
      const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
      const jsonText = fs.readFileSync(await json.path(), 'utf8');
      assert.deepEqual(JSON.parse(jsonText).events, events);
      assert.ok(!jsonText.includes(SECRET));
      const [txt] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download text' }).click()]);
      const plain = fs.readFileSync(await txt.path(), 'utf8');
      assert.match(plain, /Ramp step 4\tcapacity 4\tfired/, plain);
      assert.match(plain, /SetDesiredCapacity\tmy_domain → 0\tok\t/, plain);
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
      await page.getByRole('button', { name: 'Copy' }).click();
      await page.locator('.notice', { hasText: 'clipboard' }).waitFor({ timeout: 5000 }).catch(() => {});
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), plain);
      // After a finished run a reload asks nothing, shows the log and offers nothing.
      const dialogs = [];
      page.on('dialog', (dlg) => dialogs.push(dlg.type()));
      await page.reload();
      await waitForLine(page, 'Run finished');
      assert.deepEqual(dialogs, []);
      assert.match(await page.locator('.run-status .phase').innerText(), /Finished: completed/);
      assert.equal(await page.getByRole('button', { name: 'Scale this domain to 0' }).count(), 0);
      // The monitor's describe still in flight when the run ends is cancelled on purpose.
      assert.deepEqual(problems.filter((p) => !/Action=DescribeAutoScalingGroups.* net::ERR_ABORTED$/.test(p)), []);
    } finally {
      await close();
    }
  });
}

test('Stop in the middle of the ramp leaves capacity 0', async () => {
  const { sim, page, close } = await openRunPage('v2-hmac-sha256');
  try {
    await runButton(page).click();
    await waitForLine(page, 'Ramp step 2');
    const stop = page.getByRole('button', { name: 'Stop', exact: true });
    await stop.click();
    // A second click is harmless (the button is disabled once the run ends).
    if (await stop.isEnabled()) await stop.click({ timeout: 1000 }).catch(() => {});
    await waitForLine(page, 'Run finished');
    const text = await logText(page);
    assert.match(text, /Run finished\s+stopped during/, text);
    assert.match(text, /Teardown\s+capacity 0 set/, text);
    const d = (await sim.state()).domains.find((x) => x.name === 'my_domain');
    assert.equal(Number(d.desired), 0);
    const sets = (await sim.log()).filter((r) => r.action === 'SetDesiredCapacity').map((r) => Number(param(r, 'DesiredCapacity')));
    assert.equal(sets.at(-1), 0, JSON.stringify(sets));
    assert.ok(!sets.includes(4), JSON.stringify(sets));
  } finally {
    await close();
  }
});

test('with "leave the VMs running" chosen, Stop keeps the capacity', async () => {
  const { sim, page, close } = await openRunPage('v2-hmac-sha256');
  try {
    await page.getByText('Run options').click();
    await page.getByLabel('Leave the VMs running when I press Stop').check();
    await runButton(page).click();
    await waitForLine(page, 'Ramp step 2');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await waitForLine(page, 'Run finished');
    const sets = (await sim.log()).filter((r) => r.action === 'SetDesiredCapacity').map((r) => Number(param(r, 'DesiredCapacity')));
    assert.ok(!sets.includes(0), `no capacity 0 was sent: ${JSON.stringify(sets)}`);
    const d = (await sim.state()).domains.find((x) => x.name === 'my_domain');
    assert.ok(Number(d.desired) >= 2, `capacity left as it was: ${d.desired}`);
    // The page says so, and offers nothing it should not: the run ended by choice.
    assert.match(await logText(page), /Teardown[\s\S]*left running/i);
  } finally {
    await close();
  }
});

test('during a run, VMs are listed and one is replaced and one terminated with the right decrement flag', async () => {
  const { sim, page, close } = await openRunPage('v2-hmac-sha256');
  try {
    // A long hold keeps the 4 VMs while we act on them.
    await page.getByLabel('Hold after the last step (seconds)').fill('30');
    await runButton(page).click();
    await waitForLine(page, 'Ramp step 4');
    await page.waitForTimeout(800); // the simulator gives ids once a VM is pending
    await page.getByRole('button', { name: 'List VMs' }).click();
    const rows = page.locator('table.vm-list tbody tr');
    await rows.nth(3).waitFor();
    assert.equal(await rows.count(), 4);
    assert.deepEqual(await page.locator('table.vm-list tbody tr td:nth-child(2)').allTextContents(), ['hotel', 'hotel', 'hotel', 'hotel']);
    const ids = (await page.locator('table.vm-list tbody tr td:nth-child(1)').allTextContents()).map((t) => t.trim());
    await page.getByRole('button', { name: `Replace ${ids[0]}` }).click();
    await waitForLine(page, `${ids[0]} (replace)`);
    await page.getByRole('button', { name: `Terminate ${ids[1]}` }).click();
    await waitForLine(page, `${ids[1]} (terminate, capacity - 1)`);
    const terminations = (await sim.log()).filter((r) => r.action === 'TerminateInstanceInAutoScalingGroup');
    assert.deepEqual(terminations.map((r) => [param(r, 'InstanceId'), param(r, 'ShouldDecrementDesiredCapacity'), r.status]),
      [[ids[0], 'false', 200], [ids[1], 'true', 200]]);
    const d = (await sim.state()).domains.find((x) => x.name === 'my_domain');
    assert.equal(Number(d.desired), 3, 'terminate lowered the domain by one; replace did not');
    // Stop: the run tears down to 0 as usual.
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await waitForLine(page, 'Run finished');
    const after = (await sim.state()).domains.find((x) => x.name === 'my_domain');
    assert.equal(Number(after.desired), 0);
  } finally {
    await close();
  }
});

test('after a reload in the middle of a run, "Resume the remaining steps" finishes the ramp at its original times', async () => {
  const { sim, page, close } = await openRunPage('v2-hmac-sha256');
  try {
    await runButton(page).click();
    await waitForLine(page, 'Ramp step 2');
    await page.reload();
    await page.getByRole('heading', { name: 'Phantom Decision Engine' }).waitFor({ timeout: 15_000 });
    const resume = page.getByRole('button', { name: 'Resume the remaining steps' });
    await resume.waitFor();
    await page.getByLabel('Secret access key').fill(SECRET);
    await resume.click();
    await waitForLine(page, 'Run finished', 30_000);
    const log = (await sim.log()).filter((r) => r.action === 'SetDesiredCapacity');
    const sets = log.map((r) => Number(param(r, 'DesiredCapacity')));
    // No capacity is sent twice or out of order: the resumed run goes on from where the
    // first one stopped (a step that fell due during the reload is merged into the next).
    assert.deepEqual(sets.slice(0, 2), [1, 2], JSON.stringify(sets));
    assert.equal(sets.at(-1), 0, JSON.stringify(sets));
    assert.ok(sets.slice(0, -1).every((c, i, a) => i === 0 || c > a[i - 1]), JSON.stringify(sets));
    assert.ok(sets.includes(4), JSON.stringify(sets));
    // The final 0 keeps its original time: 3 s (hold) after the 4th step's planned time.
    const first = log[0].received_ms;
    const last = log.at(-1).received_ms;
    assert.ok(Math.abs(last - first - 6_000) < 400, `final step at +${last - first} ms, planned +6000`);
    const d = (await sim.state()).domains.find((x) => x.name === 'my_domain');
    assert.equal(Number(d.desired), 0);
  } finally {
    await close();
  }
});

test('a reload in the middle of a run shows the old log and offers to scale the domain to 0', async () => {
  const { sim, page, close } = await openRunPage('v2-hmac-sha256');
  try {
    await runButton(page).click();
    await waitForLine(page, 'Ramp step 2');
    const dialogs = [];
    page.on('dialog', (d) => dialogs.push(d.type()));
    await page.reload();
    // Capacity was running: the page asked before leaving (the test accepts).
    assert.deepEqual(dialogs, ['beforeunload']);
    await page.getByRole('heading', { name: 'Phantom Decision Engine' }).waitFor({ timeout: 15_000 });
    await waitForLine(page, 'Ramp step 2');
    assert.match(await page.locator('.run-status .phase').innerText(), /Interrupted/);
    const offer = page.getByRole('button', { name: 'Scale this domain to 0' });
    await offer.waitFor();
    // The secret was not remembered: enter it again, then scale to 0.
    await page.getByLabel('Secret access key').fill(SECRET);
    await offer.click();
    await offer.waitFor({ state: 'detached', timeout: 20_000 });
    // The offer goes as the pursuit starts; the phase says 0 once the server confirmed it.
    await page.locator('.run-status .phase', { hasText: /the domain is now at capacity 0/ })
      .waitFor({ timeout: 15_000 });
    const d = (await sim.state()).domains.find((x) => x.name === 'my_domain');
    assert.equal(Number(d.desired), 0);
    const sets = (await sim.log()).filter((r) => r.action === 'SetDesiredCapacity').map((r) => Number(param(r, 'DesiredCapacity')));
    assert.equal(sets.at(-1), 0, JSON.stringify(sets));
    const text = await logText(page);
    assert.match(text, /SetDesiredCapacity\s+my_domain → 0\s+ok/, text);
  } finally {
    await close();
  }
});

test('faults (throttling, 500s, latency) show as retries in the log and the final capacity is reached', async () => {
  const faults = {
    latency_ms_by_action: { SetDesiredCapacity: 150 },
    force: [
      { action: 'SetDesiredCapacity', kind: 'throttle', count: 2 },
      { action: 'CreateAutoScalingGroup', kind: '500', count: 1 },
    ],
  };
  const { sim, page, problems, close } = await openRunPage('v2-hmac-sha256', faults);
  try {
    await runButton(page).click();
    await waitForLine(page, 'Run finished', 40_000);
    const text = await logText(page);
    assert.match(text, /Run finished\s+completed/, text);
    await page.locator('#log-filter').selectOption('retried');
    const retried = await page.locator('.step-log .log-line').allInnerTexts();
    assert.equal(retried.length, 2, retried.join('\n'));
    assert.ok(retried.some((l) => /CreateAutoScalingGroup[\s\S]*ok after retrying once/.test(l)), retried.join('\n'));
    assert.ok(retried.some((l) => /SetDesiredCapacity[\s\S]*my_domain → 1[\s\S]*ok after retrying 2 times/.test(l)), retried.join('\n'));
    await page.screenshot({ path: path.join(OUTPUT, 'run-faults.png'), fullPage: true });
    const sets = (await sim.log()).filter((r) => r.action === 'SetDesiredCapacity');
    assert.deepEqual(sets.map((r) => [Number(param(r, 'DesiredCapacity')), r.status]),
      [[1, 400], [1, 400], [1, 200], [2, 200], [3, 200], [4, 200], [0, 200]]);
    const d = (await sim.state()).domains.find((x) => x.name === 'my_domain');
    assert.equal(Number(d.desired), 0);
    // Chromium reports the deliberate 400s and 500 as failed fetches; nothing else.
    const expected = (p) => /(HTTP (400|500)|status of (400|500))/.test(p) || /Action=DescribeAutoScalingGroups.* net::ERR_ABORTED$/.test(p);
    assert.deepEqual(problems.filter((p) => !expected(p)), []);
  } finally {
    await close();
  }
});

test('a connection reset and an answer slower than the request timeout are retried, and the final capacity is reached', async () => {
  // The first SetDesiredCapacity is answered by a reset connection.
  const faults = { force: [{ action: 'SetDesiredCapacity', kind: 'reset', count: 1 }] };
  const { sim, page, problems, close } = await openRunPage('v2-hmac-sha256', faults);
  try {
    await page.getByLabel('Request timeout (seconds)').fill('1');
    await runButton(page).click();
    // Step 1 succeeds on its second attempt (after the reset)...
    await waitForLine(page, 'ok after retrying once');
    // ...then the server takes 1.5 s per SetDesiredCapacity: step 2's first attempt times out.
    const slow = { latency_ms_by_action: { SetDesiredCapacity: 1500 } };
    const put = (body) => fetch(`${sim.url}/__sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await put(slow)).status, 200);
    await page.waitForTimeout(1_600);
    assert.equal((await put({})).status, 200);
    await waitForLine(page, 'Run finished', 40_000);
    assert.match(await logText(page), /Run finished\s+completed/);
    await page.locator('#log-filter').selectOption('retried');
    const retried = (await page.locator('.step-log .log-line').allInnerTexts()).join('\n');
    assert.match(retried, /my_domain → 1[\s\S]*ok after retrying once/, retried);
    assert.match(retried, /my_domain → 2[\s\S]*ok after retrying/, retried);
    const log = (await sim.log()).filter((r) => r.action === 'SetDesiredCapacity');
    assert.equal(log[0].status, 0, 'the first attempt was reset');
    const d = (await sim.state()).domains.find((x) => x.name === 'my_domain');
    assert.equal(Number(d.desired), 0);
    const capacities = log.filter((r) => r.status === 200).map((r) => Number(param(r, 'DesiredCapacity')));
    assert.deepEqual([...new Set(capacities)], [1, 2, 3, 4, 0], JSON.stringify(capacities));
    // Through the same-origin proxy the reset reaches the page as the proxy's 502, and
    // the timed-out fetch is aborted; Chromium reports those, nothing else.
    const expected = (p) => /HTTP 502|status of 502 \(Bad Gateway\)|net::ERR_ABORTED/.test(p);
    assert.deepEqual(problems.filter((p) => !expected(p)), []);
  } finally {
    await close();
  }
});

test('moto with authentication enforced: the compressed tutorial runs to the end (AWS-compatible profile)', async () => {
  const moto = await startMoto();
  const server = await startPageServer({ proxies: [`/phantom/=${moto.url}`] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  try {
    const page = await context.newPage();
    page.on('dialog', (d) => d.accept());
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Phantom Decision Engine' }).waitFor({ timeout: 15_000 });
    await fillConnection(page, {
      url: moto.url, profile: 'aws-compatible', scheme: 'v4', region: 'us-east-1', accessKey: moto.access_key, secret: moto.secret_key,
    });
    await page.getByLabel('Availability zone').fill('us-east-1a');
    await page.getByLabel('Interval (seconds)').fill('1');
    await page.getByLabel('Hold after the last step (seconds)').fill('3');
    await runButton(page).click();
    await waitForLine(page, 'Run finished', 40_000);
    const text = await logText(page);
    assert.match(text, /Run finished\s+completed/, text);
    assert.doesNotMatch(text, /failed/, text);
    const events = await journal(page);
    const caps = events.filter((e) => e.type === 'request-done' && e.action === 'SetDesiredCapacity')
      .map((e) => [e.target.capacity, e.outcome.kind]);
    assert.deepEqual(caps, [[1, 'ok'], [2, 'ok'], [3, 'ok'], [4, 'ok'], [0, 'ok']]);
    await page.screenshot({ path: path.join(OUTPUT, 'run-moto.png'), fullPage: true });
  } finally {
    await context.close();
    await server.stop();
    await moto.stop();
  }
});
