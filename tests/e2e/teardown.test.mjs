// "Never leave capacity running" (issue 11), the teardown that persists: after Stop (or a
// failure) capacity 0 is retried with backoff (1, 2, 4, 8, 16 s, then every 30 s) until
// SetDesiredCapacity succeeds AND a describe confirms it, for as long as the page is open.
// While it is pending the page shows `.teardown-banner` (role alert): "Capacity may be
// running", the domain, "next attempt in N s" once an attempt failed, the time of the
// last failure, and the buttons "Try now" and "Stop trying".
//
// The endpoint is the local simulator behind the page server's proxy; it fails on purpose
// (forced faults, or killed and restarted on the same port with its `--state`). Every
// test ends by checking the SIMULATOR'S OWN state: the desired capacity and the VMs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  launchBrowser, openRunPage, runButton, stopButton, waitForDomain, capacityRequests, liveVms, simDomain,
  recordEndpointRequests, sleep, waitForText, OUTPUT,
} from './harness.mjs';

const AK = 'PDEE2ETEARDOWNKEY';
const SECRET = 'e2e-teardown-secret/with+odd=chars';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const banner = (page) => page.locator('.teardown-banner[role="alert"]');
const NEXT_ATTEMPT = /next attempt in (\d+) s/i;

/** A run page whose ramp starts at capacity 2 and holds it long enough to act on it. */
function openTeardownPage(options = {}) {
  return openRunPage(browser, {
    accessKey: AK,
    secret: SECRET,
    ramp: { start: 2, increment: 1, interval: 20, peak: 3, hold: 20 },
    contextOptions: { timezoneId: 'UTC' },
    ...options,
  });
}

/** Waits until the banner's text matches `re`; returns the text. */
const waitForBannerText = (page, re, timeout = 20_000) => waitForText(banner(page).first(), re, { timeout, what: 'the teardown banner' });

/** The banner's "next attempt in N s", as N (NaN when absent). */
async function nextAttemptSeconds(page) {
  const text = await banner(page).first().innerText({ timeout: 1000 }).catch(() => '');
  const m = text.match(NEXT_ATTEMPT);
  return m ? Number(m[1]) : NaN;
}

/** Asserts what every pending banner shows: the warning, the domain and both buttons. */
async function assertPendingBanner(page, text) {
  assert.match(text, /Capacity may be running/, text);
  assert.match(text, /my_domain/, text);
  assert.equal(await banner(page).getByRole('button', { name: 'Try now', exact: true }).count(), 1, text);
  assert.equal(await banner(page).getByRole('button', { name: 'Stop trying', exact: true }).count(), 1, text);
}

/** Asserts that the endpoint confirmed capacity 0: a describe answered after the last successful SetDesiredCapacity 0. */
function assertConfirmedByDescribe(log, since) {
  const zero = capacityRequests(log).filter((r) => r.at >= since && r.capacity === 0 && r.status === 200).at(-1);
  assert.ok(zero, 'no successful SetDesiredCapacity 0');
  const describe = log.find((r) => r.action === 'DescribeAutoScalingGroups' && r.status === 200 && r.received_ms >= zero.at
    && (r.generation ?? 0) === (zero.generation ?? 0));
  assert.ok(describe, 'no DescribeAutoScalingGroups after the successful SetDesiredCapacity 0 (the teardown must confirm it)');
}

/**
 * Run, wait until the endpoint has the domain at capacity 2 (with its VMs), take the
 * endpoint down (SIGKILL), press Stop. Returns when it was killed and stopped.
 */
async function stopWithEndpointDown(page, sim) {
  await runButton(page).click();
  await waitForDomain(sim, { capacity: 2, timeout: 20_000 });
  await sim.kill();
  const killedAt = Date.now();
  await stopButton(page).click();
  return { killedAt, stoppedAt: Date.now() };
}

/**
 * Asserts the endpoint's own end state: the domain at capacity 0 with no live VM.
 * Returns the endpoint's whole request log.
 */
async function assertEndsAtZero(sim) {
  const d = await waitForDomain(sim, { capacity: 0, timeout: 15_000 });
  assert.deepEqual(liveVms(d), []);
  return sim.log();
}

/** Step log lines of the teardown's SetDesiredCapacity → 0 requests. */
const zeroLines = (page) => page.locator('.step-log .log-line', { hasText: 'my_domain → 0' }).allInnerTexts();

/** Groups request times into attempts: a gap of more than `gapMs` starts a new one. */
function attemptsOf(times, gapMs = 900) {
  const groups = [];
  for (const t of times) {
    if (!groups.length || t - groups.at(-1).at(-1) > gapMs) groups.push([t]);
    else groups.at(-1).push(t);
  }
  return groups;
}

test('Stop at capacity 2 while SetDesiredCapacity fails 3 times: the banner counts down, then capacity 0 is confirmed and the banner goes', { timeout: 90_000 }, async () => {
  const { sim, page, close } = await openTeardownPage();
  try {
    await runButton(page).click();
    await waitForDomain(sim, { capacity: 2, timeout: 20_000, vms: false });
    await sim.faults({ force: [{ action: 'SetDesiredCapacity', kind: '500', count: 3 }] });
    const stoppedAt = Date.now();
    await stopButton(page).click();
    const text = await waitForBannerText(page, NEXT_ATTEMPT);
    await assertPendingBanner(page, text);
    // The time of the last failure, as the step log writes times (UTC in this context):
    // within 3 s of a failed attempt the endpoint saw.
    const failed = capacityRequests(await sim.log()).filter((r) => r.at >= stoppedAt && r.capacity === 0 && r.status === 500);
    const shown = [...text.matchAll(/\b(\d{2}):(\d{2}):(\d{2})\b/g)].map((m) => (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000);
    const dayMs = (t) => t % 86_400_000;
    assert.ok(shown.some((s) => failed.some((f) => Math.abs(dayMs(f.at) - s) < 3000)),
      `the banner shows no time of a failed attempt: ${JSON.stringify(text)}; failures at ${failed.map((f) => new Date(f.at).toISOString())}`);
    await page.screenshot({ path: path.join(OUTPUT, 'teardown-banner.png'), fullPage: true });

    await banner(page).waitFor({ state: 'hidden', timeout: 45_000 });
    const log = await assertEndsAtZero(sim);
    const sets = capacityRequests(log).filter((r) => r.at >= stoppedAt);
    assert.deepEqual(sets.map((r) => [r.capacity, r.status]), [[0, 500], [0, 500], [0, 500], [0, 200]], JSON.stringify(sets));
    assertConfirmedByDescribe(log, stoppedAt);
  } finally {
    await close();
  }
});

test('the endpoint killed at capacity 2 mid-ramp, Stop, back 10 s later with its state: the teardown reaches 0 and logs every attempt', { timeout: 90_000 }, async () => {
  const { sim, page, close } = await openTeardownPage({ simOptions: { state: true } });
  try {
    const sent = recordEndpointRequests(page);
    const { killedAt, stoppedAt } = await stopWithEndpointDown(page, sim);
    const text = await waitForBannerText(page, NEXT_ATTEMPT);
    await assertPendingBanner(page, text);
    // The countdown counts down: once the backoff is ≥ 3 s, 1.5 s later it shows less.
    const deadline = killedAt + 9_000;
    let counted = false;
    while (Date.now() < deadline && !counted) {
      const n = await nextAttemptSeconds(page);
      if (n >= 3) {
        await sleep(1500);
        const later = await nextAttemptSeconds(page);
        assert.ok(later < n, `countdown went from ${n} s to ${later} s in 1.5 s`);
        counted = true;
      } else {
        await sleep(200);
      }
    }
    assert.ok(counted, 'the banner never showed a wait of 3 s or more within 9 s of the outage (backoff 1, 2, 4 s expected)');
    await sleep(Math.max(0, killedAt + 10_000 - Date.now()));
    await sim.start();
    const restartedAt = Date.now();

    await banner(page).waitFor({ state: 'hidden', timeout: Math.max(1000, stoppedAt + 45_000 - Date.now()) });
    console.log(`# killed → banner gone: ${Date.now() - killedAt} ms (endpoint back after ${restartedAt - killedAt} ms)`);
    const log = await assertEndsAtZero(sim);
    assertConfirmedByDescribe(log, restartedAt);
    // The restarted endpoint got the capacity 0 (its state came back with capacity 2).
    const after = capacityRequests(log).filter((r) => r.generation === 1);
    assert.ok(after.length >= 1 && after.every((r) => r.capacity === 0), JSON.stringify(after));
    assert.equal(after.at(-1).status, 200, JSON.stringify(after));

    // Every attempt is in the step log: one line per attempt (or per request).
    const zeroSent = sent.filter((r) => r.action === 'SetDesiredCapacity' && r.capacity === '0' && r.at >= stoppedAt).map((r) => r.at);
    const attempts = attemptsOf(zeroSent);
    const lines = await zeroLines(page);
    console.log(`# teardown: ${zeroSent.length} requests in ${attempts.length} attempts at +${attempts.map((a) => a[0] - stoppedAt).join(', +')} ms; ${lines.length} step log lines`);
    assert.ok(attempts.length >= 4, `only ${attempts.length} attempts while the endpoint was down 10 s (backoff 1, 2, 4 s): ${JSON.stringify(attempts)}`);
    assert.ok(lines.length === attempts.length || lines.length === zeroSent.length,
      `${lines.length} step log lines for ${attempts.length} attempts (${zeroSent.length} requests):\n${lines.join('\n')}`);
    assert.ok(lines.slice(0, -1).every((l) => /fail/i.test(l)), lines.join('\n'));
    assert.doesNotMatch(lines.at(-1), /fail/i, lines.join('\n'));
  } finally {
    await close();
  }
});

test('an HTML 400 from a proxy on the teardown (SetDesiredCapacity=html400x2) is retried at the ceiling and ends at 0', { timeout: 100_000 }, async () => {
  const { sim, page, close } = await openTeardownPage({ ramp: { start: 2, increment: 1, interval: 60, peak: 3, hold: 60 } });
  try {
    await runButton(page).click();
    await waitForDomain(sim, { capacity: 2, timeout: 20_000, vms: false });
    await sim.faults({ force: [{ action: 'SetDesiredCapacity', kind: 'html400', count: 2 }] });
    const stoppedAt = Date.now();
    await stopButton(page).click();
    const text = await waitForBannerText(page, NEXT_ATTEMPT);
    await assertPendingBanner(page, text);
    const first = Number(text.match(NEXT_ATTEMPT)[1]);
    assert.ok(first >= 20, `an HTML 400 is not a known transient error: the next attempt should wait about the 30 s ceiling, the banner says ${first} s`);

    await banner(page).waitFor({ state: 'hidden', timeout: 80_000 });
    console.log(`# html400 ×2: Stop → banner gone ${Date.now() - stoppedAt} ms`);
    const log = await assertEndsAtZero(sim);
    const sets = capacityRequests(log).filter((r) => r.at >= stoppedAt);
    assert.deepEqual(sets.map((r) => [r.capacity, r.status, r.fault]), [[0, 400, 'html400'], [0, 400, 'html400'], [0, 200, null]], JSON.stringify(sets));
    const gaps = sets.slice(1).map((r, i) => r.at - sets[i].at);
    assert.ok(gaps.every((g) => g >= 25_000 && g <= 40_000), `gaps between attempts ${gaps} ms (ceiling 30 s)`);
    assertConfirmedByDescribe(log, stoppedAt);
  } finally {
    await close();
  }
});

test('"Stop trying" while the endpoint is down: the banner says so and what may still run, and nothing more is sent', { timeout: 90_000 }, async () => {
  const { sim, page, close } = await openTeardownPage({ simOptions: { state: true } });
  try {
    const sent = recordEndpointRequests(page);
    await stopWithEndpointDown(page, sim);
    const text = await waitForBannerText(page, NEXT_ATTEMPT);
    await assertPendingBanner(page, text);
    await banner(page).getByRole('button', { name: 'Stop trying', exact: true }).click();
    const gaveUpAt = Date.now();
    const stopped = await waitForBannerText(page, /Stopped trying/, 5000);
    assert.match(stopped, /my_domain/, stopped);
    // What may still be running: capacity 2 (times like 12:02:03 do not count).
    assert.match(stopped.replace(/\d{2}:\d{2}:\d{2}(\.\d+)?/g, ''), /\b2\b/, stopped);
    await page.screenshot({ path: path.join(OUTPUT, 'teardown-stopped-trying.png'), fullPage: true });

    // The endpoint comes back; for 20 s (past backoffs of 1 + 2 + 4 + 8 s) nothing arrives.
    await sim.start();
    await sleep(20_000);
    const afterGiveUp = sent.filter((r) => r.at > gaveUpAt + 100);
    assert.deepEqual(afterGiveUp, [], 'the page sent requests after "Stop trying"');
    const log = (await sim.log()).filter((r) => r.generation === 1);
    assert.deepEqual(log.map((r) => r.action), [], 'the endpoint received requests after "Stop trying"');
    assert.match(await banner(page).innerText(), /Stopped trying/);
    // And the banner told the truth: the capacity is still 2.
    const d = await simDomain(sim);
    assert.equal(Number(d.desired), 2);
    assert.equal(liveVms(d).length, 2, JSON.stringify(d.instances));
  } finally {
    await close();
  }
});

test('a reload during a pending teardown (endpoint down): the teardown resumes by itself and ends at 0 once the endpoint is back', { timeout: 90_000 }, async () => {
  const { sim, page, close } = await openTeardownPage({ simOptions: { state: true } });
  try {
    // Remembered, so that nothing but the page itself is needed after the reload.
    await page.getByLabel('Remember the secret key on this device').check();
    const { killedAt } = await stopWithEndpointDown(page, sim);
    await waitForBannerText(page, NEXT_ATTEMPT);
    await page.reload();
    await page.getByRole('heading', { name: 'Phantom Decision Engine' }).waitFor({ timeout: 15_000 });
    // Nothing is clicked: the banner is back and the teardown goes on.
    const text = await waitForBannerText(page, /Capacity may be running/, 15_000);
    await assertPendingBanner(page, text);
    await waitForBannerText(page, NEXT_ATTEMPT, 15_000);
    await sleep(Math.max(0, killedAt + 10_000 - Date.now()));
    await sim.start();
    const restartedAt = Date.now();
    await banner(page).waitFor({ state: 'hidden', timeout: 45_000 });
    const log = await assertEndsAtZero(sim);
    const after = capacityRequests(log).filter((r) => r.generation === 1);
    assert.ok(after.length >= 1 && after.at(-1).capacity === 0 && after.at(-1).status === 200, JSON.stringify(after));
    assertConfirmedByDescribe(log, restartedAt);
  } finally {
    await close();
  }
});
