// Several engines on one page (issue 14, items 1 and 4): "Add domain" copies the engine
// under a new domain name; two engines naming the same domain are refused before Run;
// two engines run at once against the local endpoint, each to its own final capacity;
// Stop all stops both; a failure injected into one engine's requests leaves the other
// running to completion; a reload with two interrupted engines offers "Scale this domain
// to 0" in each. Every test ends by checking the SIMULATOR'S OWN state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  launchBrowser, openRunPage, waitForDomain, simDomain, liveVms, param, sleep, waitForText, OUTPUT,
  startSim, startPageServer, preparePage, fillRamp,
} from './harness.mjs';

const AK = 'PDEE2EENGINESKEY';
const SECRET = 'e2e-engines-secret/with+odd=chars';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Engine section of `domain`: a region named after its domain name. */
const engine = (page, domain) => page.getByRole('region', { name: domain, exact: true });
const runIn = (page, domain) => engine(page, domain).getByRole('button', { name: 'Run', exact: true });
const stopIn = (page, domain) => engine(page, domain).getByRole('button', { name: 'Stop', exact: true });
const logOf = (page, domain) => engine(page, domain).locator('.step-log').innerText();
const runBar = (page) => page.getByRole('region', { name: 'Running engines' });

/** "Add domain", then waits for the new section `domain`. */
async function addDomain(page, domain) {
  await page.getByRole('button', { name: 'Add domain', exact: true }).click();
  await engine(page, domain).waitFor({ timeout: 10_000 });
}

/** Waits until `text` is in the step log of `domain`'s section. */
async function waitForLineIn(page, domain, text, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const log = await logOf(page, domain).catch(() => '');
    if (log.includes(text)) return log;
    if (Date.now() > deadline) throw new Error(`no "${text}" in the log of ${domain} after ${timeout} ms:\n${log.slice(-2000)}`);
    await sleep(100);
  }
}

async function clickRun(page, domain) {
  const run = runIn(page, domain);
  const deadline = Date.now() + 10_000;
  while (!(await run.isEnabled())) {
    if (Date.now() > deadline) throw new Error(`Run of ${domain} stays disabled: ${await engine(page, domain).locator('[id$="run-reason"]').innerText()}`);
    await sleep(100);
  }
  await run.click();
}

/** The SetDesiredCapacity requests the endpoint received for `domain`, in order. */
const capacities = async (sim, domain) => (await sim.log())
  .filter((r) => r.action === 'SetDesiredCapacity' && param(r, 'AutoScalingGroupName') === domain)
  .map((r) => ({ capacity: Number(param(r, 'DesiredCapacity')), status: r.status, at: r.received_ms }));

/**
 * A page with two engines (my_domain, my_domain_2) on a long ramp (a step every 2 s up
 * to 8), both running and both at capacity 2 on the endpoint.
 */
async function twoRunning() {
  const opened = await openRunPage(browser, {
    accessKey: AK, secret: SECRET, ramp: { start: 1, increment: 1, interval: 2, peak: 8, hold: 10, maxVms: 10 },
  });
  const { sim, page } = opened;
  await addDomain(page, 'my_domain_2');
  await clickRun(page, 'my_domain');
  await clickRun(page, 'my_domain_2');
  await waitForDomain(sim, { name: 'my_domain', capacity: 2, timeout: 20_000, vms: false });
  await waitForDomain(sim, { name: 'my_domain_2', capacity: 2, timeout: 20_000, vms: false });
  return opened;
}

test('Add domain copies the engine; the same domain twice is refused; two engines run at once, each to its own final capacity', { timeout: 120_000 }, async () => {
  const { sim, page, problems, close } = await openRunPage(browser, {
    accessKey: AK, secret: SECRET, ramp: { start: 1, increment: 1, interval: 1, peak: 3, hold: 2, finalCapacity: 1 },
  });
  try {
    await addDomain(page, 'my_domain_2');
    const second = engine(page, 'my_domain_2');
    assert.equal(await second.getByLabel('Domain name', { exact: true }).inputValue(), 'my_domain_2');
    assert.equal(await second.getByLabel('Peak capacity', { exact: true }).inputValue(), '3', 'a copy of the first engine');
    const sections = await page.locator('section.engine').evaluateAll((s) => s.map((e) => e.getAttribute('aria-label')));
    assert.deepEqual(sections, ['my_domain', 'my_domain_2'], 'every engine on the page, in the order added');

    // The same domain on the same endpoint: refused next to the field, Run disabled.
    await second.getByLabel('Domain name', { exact: true }).fill('my_domain');
    const twin = page.locator('section.engine').nth(1);
    await waitForText(twin.locator('[id$="run-reason"]'), /Run is disabled: fix 1 setting first \(Domain name\)/);
    assert.match(await twin.innerText(), /Engine 1 on this page already uses domain my_domain on this endpoint/);
    assert.ok(await twin.getByRole('button', { name: 'Run', exact: true }).isDisabled());
    await twin.getByLabel('Domain name', { exact: true }).fill('my_domain_2');
    await second.getByLabel('Peak capacity', { exact: true }).fill('4');
    await second.getByLabel('Final capacity', { exact: true }).fill('2');

    await clickRun(page, 'my_domain');
    await clickRun(page, 'my_domain_2');
    const remove = engine(page, 'my_domain_2').getByRole('button', { name: 'Remove my_domain_2', exact: true });
    assert.ok(await remove.isDisabled(), 'a running engine can be removed');
    await runBar(page).waitFor({ timeout: 10_000 });
    await waitForText(runBar(page), /my_domain_2/);
    assert.equal(await runBar(page).locator('.run-bar-item').count(), 2);
    // The run bar stays in view however far the page is scrolled.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await sleep(200);
    const box = await runBar(page).boundingBox();
    assert.ok(box && box.y >= -1 && box.y < 5, `the run bar scrolled away: ${JSON.stringify(box)}`);
    await page.screenshot({ path: path.join(OUTPUT, 'engines-two-running.png') });

    await waitForLineIn(page, 'my_domain', 'Run finished', 40_000);
    await waitForLineIn(page, 'my_domain_2', 'Run finished', 40_000);
    const a = await waitForDomain(sim, { name: 'my_domain', capacity: 1, timeout: 30_000 });
    const b = await waitForDomain(sim, { name: 'my_domain_2', capacity: 2, timeout: 30_000 });
    assert.equal(liveVms(a).length, 1);
    assert.equal(liveVms(b).length, 2);

    // Concurrent, not one after the other: each started ramping before the other ended.
    const ca = await capacities(sim, 'my_domain');
    const cb = await capacities(sim, 'my_domain_2');
    assert.deepEqual(ca.map((c) => c.capacity), [1, 2, 3, 1]);
    assert.deepEqual(cb.map((c) => c.capacity), [1, 2, 3, 4, 2]);
    assert.ok(cb[0].at < ca[ca.length - 1].at && ca[0].at < cb[cb.length - 1].at, 'the runs did not overlap');
    // Each log holds its own domain only.
    assert.doesNotMatch(await logOf(page, 'my_domain'), /my_domain_2/);
    // The overview lists both with their phase.
    const overview = await page.getByRole('region', { name: 'Engines', exact: true }).innerText();
    assert.match(overview, /my_domain\s+Finished: completed/);
    assert.match(overview, /my_domain_2\s+Finished: completed/);
    await runBar(page).waitFor({ state: 'hidden', timeout: 30_000 });
    // Two engines, their overview and the history fit a phone's width.
    await page.setViewportSize({ width: 390, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 390px screen`);
    await page.setViewportSize({ width: 1400, height: 1000 });

    // An engine that owes its domain nothing is removed; its domain is left as it is.
    await remove.click();
    await engine(page, 'my_domain_2').waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await page.locator('section.engine').count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Remove my_domain', exact: true }).isVisible(), false, 'the last engine stays');
    assert.equal(Number((await simDomain(sim, 'my_domain_2')).desired), 2);
    await page.reload();
    await engine(page, 'my_domain').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('section.engine').count(), 1, 'the removal was saved');
    // Removing an engine ended its run state cleanly: nothing logged an error.
    assert.deepEqual(problems.filter((p) => !/Action=DescribeAutoScalingGroups.* net::ERR_ABORTED$/.test(p)), []);
    const bad = (await sim.log()).filter((r) => r.status >= 400).map((r) => `${r.action} ${r.status} ${JSON.stringify(r).slice(0, 400)}`);
    assert.deepEqual(bad, [], 'the endpoint refused a request');
    assert.deepEqual(problems.filter((p) => !/Action=DescribeAutoScalingGroups.* net::ERR_ABORTED$/.test(p)), []);
  } finally {
    await close();
  }
});

test('Stop all stops every running engine and each ends at capacity 0', { timeout: 120_000 }, async () => {
  const { sim, page, close } = await twoRunning();
  try {
    await runBar(page).getByRole('button', { name: 'Stop all', exact: true }).click();
    await waitForText(page.locator('#notice'), /Stop all: asked 2 running engines to stop/);
    for (const domain of ['my_domain', 'my_domain_2']) {
      const d = await waitForDomain(sim, { name: domain, capacity: 0, timeout: 30_000 });
      assert.deepEqual(liveVms(d), []);
      const log = await waitForLineIn(page, domain, 'Run finished', 30_000);
      assert.match(log, /stopped/i);
      const steps = (await capacities(sim, domain)).map((c) => c.capacity);
      assert.equal(steps[steps.length - 1], 0);
      assert.ok(Math.max(...steps) < 8, `${domain} ramped on after Stop all: ${steps}`);
    }
    await runBar(page).waitFor({ state: 'hidden', timeout: 30_000 });
  } finally {
    await close();
  }
});

test('a failure injected into one engine\'s requests stops that engine alone; the other runs to completion', { timeout: 120_000 }, async () => {
  const { sim, page, close } = await openRunPage(browser, {
    accessKey: AK, secret: SECRET, ramp: { start: 1, increment: 1, interval: 1, peak: 4, hold: 2, finalCapacity: 1 },
  });
  try {
    // The copy is named my_domain_2; renamed, its section is named after it.
    await addDomain(page, 'my_domain_2');
    await engine(page, 'my_domain_2').getByLabel('Domain name', { exact: true }).fill('doomed');
    await engine(page, 'doomed').waitFor();
    // Every SetDesiredCapacity above 1 for "doomed" is refused on the way (the page's
    // requests, before the endpoint): its run fails at step 2 and tears down to 0.
    let refused = 0;
    await page.route('**/phantom/**', async (route) => {
      const req = route.request();
      const url = new URL(req.url());
      const params = new URLSearchParams(req.method() === 'POST' ? (req.postData() || '') : url.search);
      for (const [k, v] of url.searchParams) if (!params.has(k)) params.set(k, v);
      if (params.get('Action') === 'SetDesiredCapacity' && params.get('AutoScalingGroupName') === 'doomed'
          && Number(params.get('DesiredCapacity')) > 1) {
        refused += 1;
        return route.fulfill({
          status: 400,
          contentType: 'text/xml',
          body: '<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>injected by the test</Message></Error><RequestId>injected-1</RequestId></ErrorResponse>',
        });
      }
      return route.continue();
    });
    await clickRun(page, 'my_domain');
    await clickRun(page, 'doomed');
    const doomedLog = await waitForLineIn(page, 'doomed', 'Run finished', 40_000);
    assert.match(doomedLog, /injected by the test/);
    assert.ok(refused >= 1);
    const d = await waitForDomain(sim, { name: 'doomed', capacity: 0, timeout: 30_000 });
    assert.deepEqual(liveVms(d), []);
    // The other engine went on to its end, untouched.
    const log = await waitForLineIn(page, 'my_domain', 'Run finished', 40_000);
    assert.match(log, /Run finished\s+completed/);
    assert.doesNotMatch(log, /injected/);
    await waitForDomain(sim, { name: 'my_domain', capacity: 1, timeout: 30_000 });
    assert.deepEqual((await capacities(sim, 'my_domain')).map((c) => c.capacity), [1, 2, 3, 4, 1]);
    const overview = await page.getByRole('region', { name: 'Engines', exact: true }).innerText();
    assert.match(overview, /doomed[^\n]*\n?[^\n]*injected by the test|doomed.*injected by the test/s);
  } finally {
    await close();
  }
});

test('a reload with two interrupted engines offers "Scale this domain to 0" in each; both end at 0', { timeout: 120_000 }, async () => {
  const { sim, page, close } = await twoRunning();
  try {
    await page.reload();
    await page.getByRole('heading', { name: 'Phantom Decision Engine' }).waitFor({ timeout: 15_000 });
    for (const domain of ['my_domain', 'my_domain_2']) {
      const offer = engine(page, domain).getByRole('button', { name: 'Scale this domain to 0' });
      await offer.waitFor({ timeout: 15_000 });
      assert.match(await engine(page, domain).locator('.interrupted').innerText(), new RegExp(`domain ${domain} was interrupted`));
    }
    // The ramps stopped with the page: no step after the reload.
    const before = (await simDomain(sim, 'my_domain')).desired;
    await sleep(2500);
    assert.equal((await simDomain(sim, 'my_domain')).desired, before, 'a ramp went on without its page');
    await page.getByLabel('Secret access key').fill(SECRET);
    for (const domain of ['my_domain', 'my_domain_2']) {
      const offer = engine(page, domain).getByRole('button', { name: 'Scale this domain to 0' });
      await offer.click();
      await offer.waitFor({ state: 'detached', timeout: 30_000 });
      const d = await waitForDomain(sim, { name: domain, capacity: 0, timeout: 30_000 });
      assert.deepEqual(liveVms(d), []);
    }
  } finally {
    await close();
  }
});

test('an engine with its own endpoint and credentials runs against its own endpoint while the other uses the page\'s', { timeout: 120_000 }, async () => {
  const AK2 = 'PDEE2EOTHERKEY';
  const SECRET2 = 'e2e-other-secret/with+odd=chars';
  const sim = await startSim(['--credentials', `${AK}:${SECRET}`, '--boot-seconds', '0.5']);
  const sim2 = await startSim(['--credentials', `${AK2}:${SECRET2}`, '--boot-seconds', '0.5']);
  const server = await startPageServer({ proxies: [`/phantom/=${sim.url}`, `/other/=${sim2.url}`] });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  try {
    const page = await context.newPage();
    await preparePage(page, server.url, { simUrl: sim.url, accessKey: AK, secret: SECRET });
    await fillRamp(page, { interval: 1, hold: 2, peak: 2 });
    await addDomain(page, 'my_domain_2');
    const second = engine(page, 'my_domain_2');
    await second.getByLabel('Its own endpoint and credentials', { exact: true }).check();
    await second.getByLabel('Phantom URL', { exact: true }).fill(sim2.url);
    await second.getByLabel('Proxy path prefix', { exact: true }).fill('/other/');
    await second.getByLabel('Access key ID', { exact: true }).fill(AK2);
    // Its own secret starts as the page's; the other endpoint wants its own.
    await second.getByLabel('Secret access key', { exact: true }).fill(SECRET2);
    assert.equal(await second.getByLabel('Remember the secret key on this device').count(), 0, 'an engine\'s own secret is never remembered');
    assert.equal(await page.getByLabel('Secret access key', { exact: true }).first().inputValue(), SECRET, 'the page\'s secret is untouched');
    // The same domain name would be allowed now (another endpoint), but keep them apart.
    await clickRun(page, 'my_domain');
    await clickRun(page, 'my_domain_2');
    await waitForLineIn(page, 'my_domain', 'Run finished', 40_000);
    await waitForLineIn(page, 'my_domain_2', 'Run finished', 40_000);
    const log1 = await sim.log();
    const log2 = await sim2.log();
    assert.ok(log1.length > 0 && log2.length > 0);
    assert.deepEqual([...new Set(log1.map((r) => r.access_key))], [AK]);
    assert.deepEqual([...new Set(log2.map((r) => r.access_key))], [AK2]);
    assert.ok(log2.every((r) => r.status < 400), 'the other endpoint refused a request');
    assert.equal(log1.filter((r) => param(r, 'AutoScalingGroupName') === 'my_domain_2').length, 0);
    assert.equal(log2.filter((r) => param(r, 'AutoScalingGroupName') === 'my_domain').length, 0);
    assert.equal(await simDomain(sim, 'my_domain_2'), undefined);
    await waitForDomain(sim, { name: 'my_domain', capacity: 0, timeout: 30_000 });
    await waitForDomain(sim2, { name: 'my_domain_2', capacity: 0, timeout: 30_000 });
    // Saved with its own connection: after a reload it still has it (its secret typed again).
    await page.reload();
    await engine(page, 'my_domain_2').waitFor({ timeout: 15_000 });
    assert.equal(await engine(page, 'my_domain_2').getByLabel('Phantom URL', { exact: true }).inputValue(), sim2.url);
    assert.equal(await engine(page, 'my_domain_2').getByLabel('Secret access key', { exact: true }).inputValue(), '');
  } finally {
    await context.close().catch(() => {});
    await server.stop();
    await sim.stop();
    await sim2.stop();
  }
});
