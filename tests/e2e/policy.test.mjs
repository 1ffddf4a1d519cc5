// Policies that watch the domain and decide (issue 13), from the built page, against the
// local Phantom-compatible endpoint behind the page server's same-origin proxy (and moto
// for the AWS-compatible profile). Each test picks a Ramp "Shape" and fills its fields by
// label, as a person would; what the policy did is checked in the ENDPOINT'S OWN state
// (`/__sim/state`, `/__sim/log`, moto's `/moto-api/data.json`), never in the page alone.
//
// The metric is a small local server whose value the test sets (startMetricServer), read
// by the page through the page server's `/metrics/` proxy. Times are compressed: a
// decision every second, runs of 10–20 s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  launchBrowser, openRunPage, startMetricServer, startMoto, startPageServer, fillConnection, watchProblems,
  runButton, waitForDomain, waitForVms, simDomain, capacityRequests, param, sleep, waitForText, OUTPUT,
} from './harness.mjs';

const AK = 'PDEE2EPOLICYKEY';
const SECRET = 'e2e-policy-secret/with+odd=chars';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** A field of the form by its exact label. */
const field = (page, label) => page.getByLabel(label, { exact: true });

/**
 * Picks the Ramp section's Shape `shape` (an option's label) and fills `fields`
 * ({ label: value }, in order); `optional` fields are filled only when the shape shows
 * them (the rails the contract does not promise for every shape).
 */
async function choosePolicy(page, shape, fields, optional = {}) {
  await field(page, 'Shape').selectOption({ label: shape });
  for (const [label, value] of Object.entries(fields)) await field(page, label).fill(String(value));
  for (const [label, value] of Object.entries(optional)) {
    const f = field(page, label);
    if (await f.count()) await f.fill(String(value));
  }
}

/** Clicks Run once it is enabled, or throws with why the page keeps it disabled. */
async function startRun(page) {
  const deadline = Date.now() + 5000;
  while (!(await runButton(page).isEnabled())) {
    if (Date.now() > deadline) {
      const reason = await page.locator('#run-reason').innerText().catch(() => '');
      const errors = await page.locator('.field-error').allInnerTexts();
      throw new Error(`Run stays disabled: ${reason} ${JSON.stringify(errors)}`);
    }
    await sleep(100);
  }
  await runButton(page).click();
  return Date.now();
}

const phase = (page) => page.locator('.run-status .phase');
/** Waits for "Finished: …"; returns the phase text. */
const waitForFinished = (page, timeout = 30_000) => waitForText(phase(page), /Finished:/, { timeout, what: 'the run status' });
/** The step log's decision lines (class `decision`). */
const decisionLines = (page) => page.locator('.step-log .log-line.decision').allInnerTexts();
/** The step log's policy-fault lines (class `warn`, "no decision (K in a row)"). */
const faultLines = (page) => page.locator('.step-log .log-line.warn', { hasText: 'no decision' }).allInnerTexts();

/** Polls the simulator until the domain's desired capacity is `capacity` (VMs not counted). */
const waitForDesired = (sim, capacity, timeout = 15_000) => waitForDomain(sim, { capacity, timeout, vms: false });

/** SetDesiredCapacity requests the simulator answered 200, as { capacity, at }. */
const acceptedSets = async (sim) => capacityRequests(await sim.log()).filter((r) => r.status === 200);

/** Problems that are bugs whatever the test: uncaught errors in the page. */
const pageErrors = (problems) => problems.filter((p) => p.startsWith('page error:'));

/** Clears the Metric URL when the shape shows it (a custom policy then sees metric null). */
async function noMetricUrl(page) {
  const url = field(page, 'Metric URL');
  if (await url.count()) await url.fill('');
}

/** Custom policy fields shared by the tests of a person's code. */
const customFields = (code, { every = 1, runFor = 12, limitMs = null } = {}) => ({
  'Policy code': code,
  'Decide every (seconds)': every,
  'Run for (seconds)': runFor,
  'Minimum capacity': 0,
  'Maximum capacity': 4,
  ...(limitMs === null ? {} : { 'Time limit per decision (ms)': limitMs }),
});
/** Follow the metric server's queue length through the proxy: 10 per VM, capacity 0–4, a decision a second for 20 s. */
const followMetricFields = ({ downCooldown = 0 } = {}) => ({
  'Metric URL': '/metrics/queue.json',
  'JSON pointer': '/queue/length',
  'Metric per VM': 10,
  'Minimum capacity': 0,
  'Maximum capacity': 4,
  'Scale-up cooldown (seconds)': 0,
  'Scale-down cooldown (seconds)': downCooldown,
  'Decide every (seconds)': 1,
  'Run for (seconds)': 20,
  'Final capacity': 0,
});
const noCooldowns = { 'Scale-up cooldown (seconds)': 0, 'Scale-down cooldown (seconds)': 0, 'Final capacity': 0 };

/** The fields each policy shape shows, by label (issue 13's contracts). */
const SHAPE_FIELDS = {
  'Follow a metric': ['Metric URL', 'JSON pointer', 'Metric per VM', 'Minimum capacity', 'Maximum capacity',
    'Scale-up cooldown (seconds)', 'Scale-down cooldown (seconds)', 'Decide every (seconds)', 'Run for (seconds)',
    'Final capacity', 'Metric too old after (seconds)', 'Largest change per decision'],
  'Custom policy': ['Policy code', 'Time limit per decision (ms)', 'Decide every (seconds)', 'Run for (seconds)',
    'Minimum capacity', 'Maximum capacity', 'Final capacity'],
  'Keep healthy': ['Capacity to keep', 'Replace a VM booting for over (seconds)', 'Replacements per window',
    'Replacement window (seconds)', 'Decide every (seconds)', 'Run for (seconds)', 'Final capacity'],
  'Schedule windows': ['Decide every (seconds)', 'Run for (seconds)', 'Final capacity'],
};

test('the Shape select offers the policy shapes, each with its fields by label', { timeout: 30_000 }, async () => {
  const { page, problems, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: {} });
  try {
    const options = (await field(page, 'Shape').locator('option').allInnerTexts()).map((t) => t.trim());
    for (const shape of ['Tutorial: step up to a peak', 'Explicit steps', ...Object.keys(SHAPE_FIELDS)]) {
      assert.ok(options.includes(shape), `no Shape option "${shape}": ${JSON.stringify(options)}`);
    }
    for (const [shape, labels] of Object.entries(SHAPE_FIELDS)) {
      await field(page, 'Shape').selectOption({ label: shape });
      const missing = [];
      for (const label of labels) if ((await field(page, label).count()) !== 1) missing.push(label);
      assert.deepEqual(missing, [], `${shape}: fields missing (or not unique) by label`);
    }
    await field(page, 'Shape').selectOption({ label: 'Custom policy' });
    assert.equal(await field(page, 'Policy code').evaluate((el) => el.tagName), 'TEXTAREA');
    assert.deepEqual(pageErrors(problems), []);
  } finally {
    await close();
  }
});

test('follow a metric through the /metrics/ proxy: 25 → capacity 3 (at most 2 per decision), 5 → 1 after the scale-down cooldown, 0 when Run for is over', { timeout: 60_000 }, async () => {
  const metric = await startMetricServer({ value: 25 });
  const { sim, page, problems, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: {}, metricsUrl: metric.url });
  try {
    await choosePolicy(page, 'Follow a metric', followMetricFields({ downCooldown: 3 }),
      { 'Metric too old after (seconds)': 10, 'Largest change per decision': 2 });
    const ranAt = await startRun(page);
    // ceil(25 ÷ 10) = 3, with its 3 VMs: 0 → 2 → 3, at most 2 per decision.
    await waitForDomain(sim, { capacity: 3, timeout: 15_000 });
    metric.set(5);
    // ceil(5 ÷ 10) = 1, once the scale-down cooldown (3 s after the change to 3) is over.
    await waitForDesired(sim, 1, 15_000);
    const status = await waitForFinished(page, 30_000);
    assert.match(status, /Finished: completed/, status);
    const d = await waitForDomain(sim, { capacity: 0, timeout: 10_000 });
    assert.equal(Number(d.desired), 0);

    const sets = await acceptedSets(sim);
    assert.deepEqual(sets.map((r) => r.capacity), [2, 3, 1, 0], JSON.stringify(sets));
    const upGap = sets[1].at - sets[0].at;
    assert.ok(upGap >= 700 && upGap <= 1500, `2 → 3 came ${upGap} ms after 0 → 2 (the next decision, no scale-up cooldown)`);
    const downGap = sets[2].at - sets[1].at;
    assert.ok(downGap >= 2900, `3 → 1 came ${downGap} ms after the change to 3 (scale-down cooldown 3 s)`);
    // The final 0 is the end of Run for (20 s from the first decision), not a decision.
    const endGap = sets[3].at - sets[0].at;
    assert.ok(endGap >= 18_500 && endGap <= 22_000, `final 0 came ${endGap} ms after the first decision (Run for 20 s)`);
    // Read every tick through the page server's proxy.
    assert.ok(metric.requests.filter((r) => r.at >= ranAt).length >= 15, `the metric was read ${metric.requests.length} times`);

    const lines = await decisionLines(page);
    assert.ok(lines.length >= 15 && lines.length <= 21, `${lines.length} decision lines for 20 s at one a second:\n${lines.join('\n')}`);
    assert.ok(lines.every((l) => /Decision \d+/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /metric 25/.test(l) && /set 2/.test(l) && /3 limited to 2 \(at most 2 per decision\)/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /metric 25/.test(l) && /set 3/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /metric 5\b/.test(l) && /cool/i.test(l)), `no decision held by the scale-down cooldown\n${lines.join('\n')}`);
    assert.ok(lines.some((l) => /metric 5\b/.test(l) && /set 1/.test(l)), lines.join('\n'));
    await page.screenshot({ path: path.join(OUTPUT, 'policy-follow-metric.png'), fullPage: true });
    assert.deepEqual(pageErrors(problems), []);
  } finally {
    await close();
    await metric.stop();
  }
});

test('follow a metric that stops answering (HTTP 503): once older than its age the policy holds and says why, then follows again', { timeout: 60_000 }, async () => {
  const metric = await startMetricServer({ value: 15 });
  const { sim, page, problems, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: {}, metricsUrl: metric.url });
  try {
    await choosePolicy(page, 'Follow a metric', { ...followMetricFields(), 'Run for (seconds)': 14, 'Metric too old after (seconds)': 2 });
    await startRun(page);
    await waitForDesired(sim, 2, 15_000);
    metric.setStatus(503);
    metric.set(35);
    const failingAt = Date.now();
    await page.locator('.step-log .log-line.decision', { hasText: 'older than 2 s' }).first().waitFor({ timeout: 8000 });
    await sleep(Math.max(0, failingAt + 4000 - Date.now()));
    assert.equal(Number((await simDomain(sim)).desired), 2, 'the capacity changed while the metric could not be read');
    metric.setStatus(200);
    await waitForDesired(sim, 4, 8000);
    const status = await waitForFinished(page, 20_000);
    assert.match(status, /Finished: completed/, status);
    await waitForDesired(sim, 0, 10_000);
    assert.deepEqual((await acceptedSets(sim)).map((r) => r.capacity), [2, 4, 0]);
    const held = (await decisionLines(page)).filter((l) => /older than 2 s/.test(l));
    assert.ok(held.every((l) => /hold/.test(l) && /503/.test(l)), `a hold line does not say why (HTTP 503):\n${held.join('\n')}`);
    assert.deepEqual(pageErrors(problems), []);
  } finally {
    await close();
    await metric.stop();
  }
});

test('keep healthy at capacity 2: a failed VM is terminated without decrement and replaced', { timeout: 60_000 }, async () => {
  const { sim, page, problems, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: {} });
  try {
    await choosePolicy(page, 'Keep healthy', {
      'Capacity to keep': 2,
      'Replace a VM booting for over (seconds)': 60,
      'Replacements per window': 2,
      'Replacement window (seconds)': 60,
      'Decide every (seconds)': 1,
      'Run for (seconds)': 15,
      'Final capacity': 0,
    }, { 'Minimum capacity': 0, 'Maximum capacity': 4, 'Scale-up cooldown (seconds)': 0, 'Scale-down cooldown (seconds)': 0 });
    await startRun(page);
    await waitForVms(sim, (c) => c.running === 2, { timeout: 15_000, what: 'two running VMs' });
    const failed = await sim.failVm();
    const id = failed.instance_id;
    assert.ok(id, JSON.stringify(failed));
    const { counts, instances } = await waitForVms(sim,
      (c, vms) => c.running === 2 && c.failed === 0 && !vms.some((v) => v.instance_id === id && !/TERMINAT/.test(v.state)),
      { timeout: 15_000, what: `the failed ${id} replaced` });
    assert.equal(counts.running, 2, JSON.stringify(instances));
    assert.equal(Number((await simDomain(sim)).desired), 2, 'the replacement did not lower the desired capacity');

    const terminations = (await sim.log()).filter((r) => r.action === 'TerminateInstanceInAutoScalingGroup');
    assert.deepEqual(terminations.map((r) => [param(r, 'InstanceId'), param(r, 'ShouldDecrementDesiredCapacity'), r.status]),
      [[id, 'false', 200]], JSON.stringify(terminations));
    const lines = await decisionLines(page);
    assert.ok(lines.some((l) => l.includes(`replacing ${id}`)), lines.join('\n'));

    const status = await waitForFinished(page, 25_000);
    assert.match(status, /Finished: completed/, status);
    await waitForDomain(sim, { capacity: 0, timeout: 10_000 });
    assert.deepEqual((await acceptedSets(sim)).map((r) => r.capacity), [2, 0]);
    assert.deepEqual(pageErrors(problems), []);
  } finally {
    await close();
  }
});

test('a custom policy that ramps to 2 then returns to 0: the endpoint follows, memory carries across ticks, the run completes', { timeout: 60_000 }, async () => {
  const { sim, page, problems, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: {} });
  try {
    const code = [
      'function decide(observation) {',
      '  const n = (observation.memory.n || 0) + 1;',
      '  const capacity = observation.elapsed_s < 6 ? 2 : 0;',
      '  return { capacity, reason: `tick ${n}, metric ${observation.metric}`, memory: { n } };',
      '}',
    ].join('\n');
    await choosePolicy(page, 'Custom policy', customFields(code, { runFor: 12 }), noCooldowns);
    await noMetricUrl(page);
    await startRun(page);
    await waitForDomain(sim, { capacity: 2, timeout: 15_000 });
    await waitForDomain(sim, { capacity: 0, timeout: 15_000 });
    const backToZeroAt = Date.now();
    const status = await waitForFinished(page, 20_000);
    assert.match(status, /Finished: completed/, status);
    assert.ok(Date.now() - backToZeroAt >= 3000, 'capacity 0 came from the policy, seconds before the run ended');

    const sets = await acceptedSets(sim);
    const caps = sets.map((r) => r.capacity);
    assert.ok(caps.length >= 2 && caps[0] === 2 && caps.slice(1).every((c) => c === 0), JSON.stringify(caps));
    const gap = sets[1].at - sets[0].at;
    assert.ok(gap >= 4500 && gap <= 7500, `2 → 0 after ${gap} ms (the policy drops at elapsed 6 s)`);
    assert.equal(Number((await simDomain(sim)).desired), 0);

    const lines = await decisionLines(page);
    assert.ok(lines.some((l) => /tick 3\b/.test(l)), `no "tick 3": memory did not carry across ticks\n${lines.join('\n')}`);
    assert.ok(lines.some((l) => /metric null/.test(l)), `the observation's metric is not null without a Metric URL\n${lines.join('\n')}`);
    assert.deepEqual(await faultLines(page), []);
    await page.screenshot({ path: path.join(OUTPUT, 'policy-custom.png'), fullPage: true });
    assert.deepEqual(pageErrors(problems), []);
  } finally {
    await close();
  }
});

/**
 * Runs the custom policy `code`, which answers capacity 1 until elapsed `from` s and
 * then faults at every tick: waits for the endpoint at capacity 1, calls `whileFaulting`
 * once the first fault is logged, and checks the end every fault gets: three fault lines
 * in a row, each matching `line`, then the run fails long before its Run for (30 s) and
 * the endpoint ends at capacity 0. Returns the fault lines.
 */
async function runFaultingPolicy(code, { limitMs = null, line, whileFaulting = async () => {}, beforeRun = async () => {} }) {
  const { sim, page, problems, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: {} });
  try {
    await choosePolicy(page, 'Custom policy', customFields(code, { runFor: 30, limitMs }), noCooldowns);
    await noMetricUrl(page);
    await beforeRun(page);
    const ranAt = await startRun(page);
    await waitForDesired(sim, 1, 15_000);
    await page.locator('.step-log .log-line.warn', { hasText: 'no decision' }).first().waitFor({ timeout: 10_000 });
    await whileFaulting(page);
    const status = await waitForFinished(page, 20_000);
    assert.match(status, /Finished: failed/, status);
    assert.ok(Date.now() - ranAt < 15_000, 'three faults one second apart should end the run long before Run for (30 s)');
    await waitForDomain(sim, { capacity: 0, timeout: 10_000 });

    const faults = await faultLines(page);
    assert.equal(faults.length, 3, faults.join('\n'));
    faults.forEach((l, i) => {
      assert.match(l, new RegExp(`no decision \\(${i + 1} in a row\\), holding:`), l);
      assert.match(l, line, l);
    });
    const caps = (await acceptedSets(sim)).map((r) => r.capacity);
    assert.deepEqual(caps, [1, 0], JSON.stringify(caps));
    assert.deepEqual(pageErrors(problems), []);
    return { faults };
  } finally {
    await close();
  }
}

test('a custom policy that throws on line 2: each fault is logged with its line and message, the third in a row fails the run and capacity goes to 0', { timeout: 60_000 }, async () => {
  const code = [
    'function decide(observation) {',
    "  if (observation.elapsed_s >= 3) throw new Error('boom');",
    "  return { capacity: 1, reason: 'one VM until it breaks' };",
    '}',
  ].join('\n');
  const { faults } = await runFaultingPolicy(code, { line: /line 2\b/ });
  assert.ok(faults.every((l) => /boom/.test(l)), faults.join('\n'));
});

test('a custom policy that loops forever (time limit 200 ms): the page stays responsive, the log says it took too long, the run fails and capacity goes to 0', { timeout: 60_000 }, async () => {
  const code = [
    'function decide(observation) {',
    '  if (observation.elapsed_s >= 2) while (true) {}',
    "  return { capacity: 1, reason: 'one VM, then a loop' };",
    '}',
  ].join('\n');
  let roundTrip = NaN;
  // The page's own event loop, measured from inside: the longest gap between 20 ms timers.
  const measureLag = (page) => page.evaluate(() => {
    window.__pdeLag = { max: 0, last: performance.now() };
    window.__pdeLagTimer = setInterval(() => {
      const now = performance.now();
      window.__pdeLag.max = Math.max(window.__pdeLag.max, now - window.__pdeLag.last - 20);
      window.__pdeLag.last = now;
    }, 20);
  });
  // While the policy loops (from its first fault until the third), the page answers.
  const stillAnswers = async (page) => {
    const t0 = Date.now();
    const answered = await Promise.race([page.evaluate(() => 1 + 1), sleep(2000).then(() => 'no answer')]);
    roundTrip = Date.now() - t0;
    assert.equal(answered, 2, 'page.evaluate got no answer within 2 s while the policy loops');
    assert.ok(roundTrip < 500, `page.evaluate took ${roundTrip} ms while the policy loops`);
    await page.getByRole('button', { name: 'List VMs' }).click({ timeout: 2000 });
    await page.locator('table.vm-list tbody tr').first().waitFor({ timeout: 5000 });
    const lag = await page.evaluate(() => window.__pdeLag.max);
    console.log(`# loop forever: page.evaluate ${roundTrip} ms, longest event-loop gap ${Math.round(lag)} ms so far`);
    assert.ok(lag < 150, `the page's event loop stalled ${Math.round(lag)} ms during the run (the loop must not run on it)`);
  };
  await runFaultingPolicy(code, { limitMs: 200, line: /took longer than 200 ms/, beforeRun: measureLag, whileFaulting: stillAnswers });
});

/** The desired capacity moto holds for Auto Scaling group `name` (undefined when absent). */
async function motoDesired(motoUrl, name = 'my_domain') {
  const data = await (await fetch(`${motoUrl}/moto-api/data.json`)).json();
  const group = (data.autoscaling?.FakeAutoScalingGroup || []).find((g) => g.name === name);
  return group?.desired_capacity;
}

/** Polls moto until the group's desired capacity is `capacity`. */
async function waitForMotoDesired(motoUrl, capacity, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await motoDesired(motoUrl).catch((e) => `error: ${e.message}`);
    if (last === capacity) return;
    await sleep(200);
  }
  throw new Error(`moto's my_domain never had desired capacity ${capacity} within ${timeout} ms; last: ${JSON.stringify(last)}`);
}

test('moto with authentication enforced: follow a metric with the AWS-compatible profile, the group\'s desired capacity follows', { timeout: 90_000 }, async () => {
  const moto = await startMoto();
  const metric = await startMetricServer({ value: 25 });
  const server = await startPageServer({ proxies: [`/phantom/=${moto.url}`], metricsUrl: metric.url });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  try {
    const page = await context.newPage();
    const problems = watchProblems(page);
    page.on('dialog', (d) => d.accept().catch(() => {}));
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Phantom Decision Engine' }).waitFor({ timeout: 15_000 });
    await fillConnection(page, {
      url: moto.url, profile: 'aws-compatible', scheme: 'v4', region: 'us-east-1', accessKey: moto.access_key, secret: moto.secret_key,
    });
    await page.getByLabel('Availability zone').fill('us-east-1a');
    await choosePolicy(page, 'Follow a metric', followMetricFields());
    await startRun(page);
    await waitForMotoDesired(moto.url, 3, 25_000);
    metric.set(5);
    await waitForMotoDesired(moto.url, 1, 15_000);
    const status = await waitForFinished(page, 35_000);
    assert.match(status, /Finished: completed/, status);
    assert.equal(await motoDesired(moto.url), 0);
    const lines = await decisionLines(page);
    assert.ok(lines.some((l) => /set 3/.test(l)) && lines.some((l) => /set 1/.test(l)), lines.join('\n'));
    await page.screenshot({ path: path.join(OUTPUT, 'policy-moto.png'), fullPage: true });
    assert.deepEqual(pageErrors(problems), []);
  } finally {
    await context.close();
    await server.stop();
    await moto.stop();
    await metric.stop();
  }
});
