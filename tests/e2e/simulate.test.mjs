// The dry run (issue 13, item 4): the Simulation section's model and its Simulate
// button, from the built page against the local endpoint — which must receive NO Auto
// Scaling request while a person simulates (checked in the endpoint's own log). The
// page's result is read as a person sees it: the summary, the chart's lines, the
// decisions in the "Simulation log".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchBrowser, openRunPage, runButton, sleep, waitForText, OUTPUT } from './harness.mjs';

const AK = 'PDEE2ESIMULATEKEY';
const SECRET = 'e2e-simulate-secret/with+odd=chars';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const field = (page, label) => page.getByLabel(label, { exact: true });
const simulateButton = (page) => page.getByRole('button', { name: 'Simulate', exact: true });
const summary = (page) => page.locator('#simulation .sim-summary');
/** The summary's text, '' while there is none (without Playwright's wait for it). */
const summaryText = async (page) => ((await summary(page).count()) ? summary(page).innerText() : '');
const simLog = (page) => page.getByRole('list', { name: 'Simulation log' });

async function fill(page, fields) {
  for (const [label, value] of Object.entries(fields)) {
    const f = field(page, label);
    if ((await f.evaluate((el) => el.tagName)) === 'SELECT') await f.selectOption({ label: String(value) });
    else await f.fill(String(value));
  }
}

/** Clicks Simulate once enabled; returns the summary text once it is shown. */
async function simulate(page) {
  const deadline = Date.now() + 5000;
  while (!(await simulateButton(page).isEnabled())) {
    if (Date.now() > deadline) {
      const reason = await page.locator('#simulate-reason').innerText().catch(() => '');
      throw new Error(`Simulate stays disabled: ${reason}`);
    }
    await sleep(50);
  }
  // The same seed gives the same summary, down to the millisecond now and then, and the
  // page then rebuilds it in place without touching the DOM: a new result is told from the
  // old by the button going disabled and back (the custom policy's sandbox answers in a
  // later task, so the busy state is always rendered), or else by a changed text.
  const before = await summaryText(page);
  await simulateButton(page).evaluate((button) => {
    // Counted from the records, not the button's state when the observer runs: the two
    // changes may both land before it does.
    window.__pdeBusyCycle = { changes: 0, back: false };
    new MutationObserver((records) => {
      const seen = window.__pdeBusyCycle;
      seen.changes += records.length;
      seen.back = seen.changes >= 2 && !button.disabled;
    }).observe(button, { attributes: true, attributeFilter: ['disabled'] });
  });
  await simulateButton(page).click();
  const deadline2 = Date.now() + 20_000;
  for (;;) {
    const text = await summaryText(page);
    const cycled = await page.evaluate(() => window.__pdeBusyCycle.back);
    if (text && !/Simulating/.test(text) && (cycled || text !== before)) return text;
    if (Date.now() > deadline2) throw new Error(`no simulation summary (last: ${text})`);
    await sleep(25);
  }
}

/** Every Auto Scaling request the endpoint answered. */
const endpointActions = async (sim) => (await sim.log()).map((r) => r.action).filter(Boolean);

test('follow a metric, simulated for an hour against a sine: the chart and the decisions, and nothing sent', { timeout: 60_000 }, async (t) => {
  const { sim, page, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: {} });
  try {
    await fill(page, {
      Shape: 'Follow a metric', 'Metric per VM': 10, 'Minimum capacity': 0, 'Maximum capacity': 8,
      'Scale-up cooldown (seconds)': 0, 'Scale-down cooldown (seconds)': 180, 'Decide every (seconds)': 5,
      'Run for (seconds)': 3600, 'Final capacity': 0,
      'Metric trace': 'Sine wave', Middle: 40, Amplitude: 30, 'Period (seconds)': 1200, 'Boot time (seconds)': 45,
    });
    const text = await simulate(page);
    // 3600 s at one decision every 5 s.
    assert.match(text, /^Simulated 1 h \(720 decisions\) in [\d.]+ ms: peak capacity 7, \d+ VMs started, no fault; completed at capacity 0\.$/, text);
    t.diagnostic(text);
    const took = Number(/in ([\d.]+) ms/.exec(text)[1]);
    assert.ok(took < 1000, `one simulated hour took ${took} ms in the page`);
    const lines = await simLog(page).locator('li').allTextContents();
    assert.equal(lines.length, 720);
    assert.match(lines[0], /^ramp time 0\.000 s desired 0, running 0, pending 0, failed 0, metric 40 set 4: metric 40 ÷ 10 per VM → 4$/);
    // The sine's top (70 at 300 s) is 7 VMs, set on the way up and kept there.
    assert.ok(lines.some((l) => /set 7: metric 6\d/.test(l)), lines.slice(0, 80).join('\n'));
    assert.ok(lines.some((l) => /^ramp time 300\.000 s .*metric 70 keep 7/.test(l)), lines.slice(0, 80).join('\n'));
    assert.ok(lines.some((l) => /cool/i.test(l)), 'no decision held by the scale-down cooldown');
    for (const cls of ['requested', 'running', 'metric']) {
      const d = await page.locator(`svg.simulation-chart path.${cls}`).getAttribute('d');
      assert.match(d || '', /^M[\d.]+,[\d.]+ /, `${cls} line: ${d}`);
    }
    await page.locator('#simulation').screenshot({ path: path.join(OUTPUT, 'simulate-follow-metric.png') });
    assert.deepEqual(await endpointActions(sim), [], 'the dry run sent requests');

    // A changed setting: the result says it is from before, until Simulate again.
    await fill(page, { 'Maximum capacity': 3 });
    await waitForText(page.locator('.simulation-result .stale'), /changed since this simulation/);
    const again = await simulate(page);
    assert.match(again, /peak capacity 3,/, again);
    assert.equal(await page.locator('.simulation-result .stale').count(), 0);
  } finally {
    await close();
  }
});

test('a custom policy template simulated in the sandbox: ramps up then back to 0, with failures from the model', { timeout: 60_000 }, async (t) => {
  const { sim, page, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: {} });
  try {
    await fill(page, { Shape: 'Custom policy' });
    await page.locator('#policy-template').selectOption({ label: 'Tutorial ramp' });
    await page.getByRole('button', { name: 'Use template' }).click();
    await fill(page, {
      'Decide every (seconds)': 10, 'Run for (seconds)': 600, 'Minimum capacity': 0, 'Maximum capacity': 4,
      'Final capacity': 0, 'Metric trace': 'No metric', 'Failures per VM per hour': 6, 'Random seed': 7,
    });
    const text = await simulate(page);
    t.diagnostic(text);
    assert.match(text, /^Simulated 10 min \(60 decisions\) in [\d.]+ ms: peak capacity 4, \d+ VMs started, no fault; completed at capacity 0\.$/, text);
    const lines = await simLog(page).locator('li').allTextContents();
    assert.equal(lines.length, 60);
    assert.ok(lines.some((l) => /set 4/.test(l)), lines.join('\n'));
    // The same seed, the same result.
    const first = await page.locator('svg.simulation-chart path.running').getAttribute('d');
    await simulate(page);
    assert.equal(await page.locator('svg.simulation-chart path.running').getAttribute('d'), first);
    assert.deepEqual(await endpointActions(sim), []);
  } finally {
    await close();
  }
});

test('a custom policy that throws: the simulation ends as a live run would, saying why', { timeout: 60_000 }, async () => {
  const { page, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: {} });
  try {
    await fill(page, {
      Shape: 'Custom policy',
      'Policy code': 'function decide(o) {\n  throw new Error("no capacity for you");\n}',
      'Decide every (seconds)': 1, 'Run for (seconds)': 60, 'Minimum capacity': 0, 'Maximum capacity': 4,
    });
    const text = await simulate(page);
    assert.match(text, /faults; failed \(capacity 0, as a teardown\)/, text);
    const lines = await simLog(page).locator('li').allTextContents();
    assert.ok(lines.length >= 1 && lines.length < 60, `${lines.length} lines`);
    assert.ok(lines.every((l) => /no decision \(\d+ in a row\), holding: line 2: decide threw: Error: no capacity for you$/.test(l)), lines.join('\n'));
  } finally {
    await close();
  }
});

test('a bad model value is shown next to its field and blocks only Simulate; a ramp shape cannot be simulated', { timeout: 30_000 }, async () => {
  const { page, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: {} });
  try {
    await fill(page, { 'Boot time (seconds)': 'soon' });
    const message = page.locator('#f-simulate-boot-error');
    await waitForText(message, /Boot time/);
    assert.equal(await field(page, 'Boot time (seconds)').getAttribute('aria-invalid'), 'true');
    // The tutorial ramp is not a policy: Simulate says so, Run is unaffected.
    assert.equal(await simulateButton(page).isEnabled(), false);
    assert.match(await page.locator('#simulate-reason').innerText(), /choose one in the Ramp section/);
    assert.equal(await runButton(page).isEnabled(), true);
    await fill(page, { Shape: 'Keep healthy' });
    await waitForText(page.locator('#simulate-reason'), /fix the simulation's settings/);
    assert.equal(await simulateButton(page).isEnabled(), false);
    await fill(page, { 'Boot time (seconds)': 20 });
    await waitForText(page.locator('#simulate-reason'), /nothing is sent/);
    assert.equal(await message.count(), 0);
  } finally {
    await close();
  }
});
