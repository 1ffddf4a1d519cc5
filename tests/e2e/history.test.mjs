// The run history (issue 14, item 2): every run this browser keeps, newest first, with
// its start, domain, endpoint, outcome, duration and peak; a past run opens read-only;
// ended runs can be deleted one by one or all at once, and the list survives a reload.
// Two compressed tutorial ramps run against the local endpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openRunPage, runButton, waitForLine, waitForText, sleep } from './harness.mjs';

const AK = 'PDEE2EHISTORYKEY';
const SECRET = 'e2e-history-secret/with+odd=chars';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const history = (page) => page.getByRole('region', { name: 'Run history' });
const rows = (page) => history(page).locator('tbody tr');
const cells = async (row) => Object.fromEntries(await Promise.all(
  ['started', 'engine', 'domain', 'endpoint', 'outcome', 'duration', 'peak'].map(async (c) => [c, (await row.locator(`td.${c}`).innerText()).trim()])));

/** Waits until the history lists `n` runs, the newest with a finished outcome. */
async function waitForRows(page, n, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const count = await rows(page).count();
    if (count === n && (n === 0 || !/not finished/.test(await rows(page).first().locator('td.outcome').innerText()))) return;
    if (Date.now() > deadline) throw new Error(`the history lists ${count} runs, not ${n}: ${await history(page).innerText()}`);
    await sleep(100);
  }
}

async function runToTheEnd(page) {
  const deadline = Date.now() + 10_000;
  while (!(await runButton(page).isEnabled())) {
    if (Date.now() > deadline) throw new Error('Run stays disabled');
    await sleep(100);
  }
  await runButton(page).click();
  await waitForLine(page, 'Run finished', 30_000);
}

test('two runs are listed newest first with outcome, duration and peak; one opens read-only; delete one, then all', { timeout: 120_000 }, async () => {
  const { sim, page, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: { interval: 1, hold: 1 } });
  try {
    await waitForText(history(page), /No runs kept in this browser yet/);
    await runToTheEnd(page);
    await waitForRows(page, 1);
    await page.getByLabel('Peak capacity', { exact: true }).fill('2');
    await runToTheEnd(page);
    await waitForRows(page, 2);
    const newest = await cells(rows(page).nth(0));
    const older = await cells(rows(page).nth(1));
    assert.equal(newest.domain, 'my_domain');
    assert.equal(newest.engine, 'Engine 1', 'the engine that names the domain');
    assert.equal(newest.endpoint, new URL(sim.url).host);
    assert.deepEqual([newest.outcome, newest.peak, older.outcome, older.peak], ['completed', '2', 'completed', '4']);
    assert.ok(newest.started > older.started, `${newest.started} is not after ${older.started}`);
    // Tutorial ramp 1, 2, 3, 4 a second apart, held 1 s: 4 s and a little; 1, 2: 2 s.
    const secs = (d) => Number(/^([\d.]+) s$/.exec(d)?.[1]);
    assert.ok(secs(older.duration) >= 4 && secs(older.duration) < 20, older.duration);
    assert.ok(secs(newest.duration) >= 2 && secs(newest.duration) < secs(older.duration), newest.duration);

    // The older run opens read-only: its own log, nothing sent.
    const sentBefore = (await sim.log()).length;
    await rows(page).nth(1).getByRole('button', { name: /^Open my_domain started / }).click();
    await waitForText(page.locator('.run-status .phase'), /Opened from my_domain started .*\(read-only\)/);
    const log = await page.locator('.step-log').innerText();
    assert.match(log, /SetDesiredCapacity[\s\S]*4/);
    await sleep(500);
    assert.equal((await sim.log()).length, sentBefore, 'opening a past run sent a request');

    // Delete the older one; the list survives a reload.
    await rows(page).nth(1).getByRole('button', { name: /^Delete my_domain started / }).click();
    await waitForRows(page, 1);
    await page.reload();
    await waitForRows(page, 1);
    assert.equal((await cells(rows(page).first())).peak, '2');
    await history(page).getByRole('button', { name: 'Delete all ended' }).click();
    await waitForText(history(page), /No runs kept in this browser yet/);
    await page.reload();
    await waitForText(history(page), /No runs kept in this browser yet/);
  } finally {
    await close();
  }
});

test('the history keeps as many runs as its limit says: a bad limit is refused next to the field, a lowered one lets the oldest go', { timeout: 120_000 }, async () => {
  const { page, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: { interval: 1, hold: 1 } });
  try {
    await page.getByLabel('Peak capacity', { exact: true }).fill('2');
    await runToTheEnd(page);
    await waitForRows(page, 1);
    await runToTheEnd(page);
    await waitForRows(page, 2);
    const limits = history(page).locator('details.history-limits');
    await limits.locator('summary').click();
    assert.match(await limits.locator('summary').innerText(), /at most 50 runs and 64 MB of logs/);
    const runsField = history(page).getByLabel('Runs kept at most', { exact: true });
    await runsField.fill('0');
    await history(page).getByRole('button', { name: 'Apply limits', exact: true }).click();
    await waitForText(limits.locator('#history-runs-error'), /from 1 to 500, not 0/);
    assert.equal(await runsField.getAttribute('aria-invalid'), 'true');
    assert.equal(await rows(page).count(), 2, 'a refused limit let a run go');

    await runsField.fill('1');
    await history(page).getByRole('button', { name: 'Apply limits', exact: true }).click();
    await waitForText(page.locator('#notice'), /The run history keeps at most 1 run and 64 MB of logs; 1 ended run was let go/);
    await waitForRows(page, 1);
    // The limit is this browser's: it survives a reload, and the next run keeps it.
    await page.reload();
    await waitForRows(page, 1);
    assert.match(await history(page).locator('details.history-limits summary').innerText(), /at most 1 run and/);
    await page.getByLabel('Secret access key').fill(SECRET);
    await runToTheEnd(page);
    await sleep(1000);
    await waitForRows(page, 1);
  } finally {
    await close();
  }
});
