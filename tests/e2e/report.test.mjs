// "Download report" (issue 14, item 3): a compressed tutorial ramp runs against the local
// simulator; the report is downloaded mid-run and after the end, saved, and opened from
// file:// in a second browser context with JavaScript disabled, as a colleague would open
// it offline. It must show the summary, the chart's three SVG paths and one table row
// per step log line, load nothing, and hold no `<script`, no `http(s)://` (the endpoint
// is printed as host:port text) and no credential.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  launchBrowser, openRunPage, runButton, waitForLine, OUTPUT, clearStoredRuns, waitForText,
} from './harness.mjs';

const AK = 'PDEE2EREPORTKEY';
const SECRET = 'e2e-report-secret/with+odd=chars';
const FILE_NAME = /^phantom-de-report-my_domain-\d{8}-\d{6}\.html$/;

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const reportButton = (page) => page.getByRole('button', { name: 'Download report', exact: true });
const logLines = (page) => page.locator('.step-log .log-line').count();

/** Clicks Download report, saves the file under test-output/e2e; its name and text. */
async function downloadReport(page, tag) {
  const [download] = await Promise.all([page.waitForEvent('download'), reportButton(page).click()]);
  const name = download.suggestedFilename();
  const saved = path.join(OUTPUT, `report-${tag}-${process.pid}.html`);
  await download.saveAs(saved);
  return { name, saved, text: fs.readFileSync(saved, 'utf8') };
}

/** What every report file must be, read as text. */
function assertPlainFile(text, sim) {
  assert.ok(text.startsWith('<!DOCTYPE html>'), text.slice(0, 200));
  assert.doesNotMatch(text, /<script/i);
  assert.doesNotMatch(text, /https?:\/\//i);
  assert.ok(!text.includes(SECRET), 'the secret is in the report');
  assert.ok(!text.includes(AK), 'the access key id is in the report');
  assert.ok(!/Authorization|Signature=/.test(text), 'signing material in the report');
  assert.ok(text.includes(`127.0.0.1:${sim.port}`), 'the endpoint as host:port text');
}

/**
 * Opens `file` with JavaScript disabled in a context of its own; returns what it shows
 * and every request it made and problem it logged.
 */
async function openOffline(file) {
  const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  await page.goto(`file://${file}`);
  await page.screenshot({ path: path.join(OUTPUT, 'report-offline.png'), fullPage: true });
  const shown = {
    title: await page.locator('h1').innerText(),
    paths: await page.locator('svg.domain-chart path').evaluateAll((ps) => ps.map((p) => [p.getAttribute('class'), p.getAttribute('d')])),
    rows: await page.locator('table.step-log tbody tr').count(),
    firstCells: await page.locator('table.step-log tbody tr').first().locator('td').allInnerTexts(),
    summary: await page.locator('dl').innerText(),
    hasScript: await page.locator('script').count(),
  };
  await context.close();
  return { ...shown, requests, problems };
}

test('Download report writes one self-contained HTML file that opens offline without JavaScript', async () => {
  const { sim, page, problems, openPage, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: { interval: 1, hold: 3 } });
  try {
    assert.ok(await reportButton(page).isDisabled(), 'no run yet: nothing to report');
    await runButton(page).click();

    // Mid-run: the report is there already, and says the run is not finished.
    await waitForLine(page, 'Ramp step 2', 20_000);
    assert.ok(await reportButton(page).isEnabled());
    const mid = await downloadReport(page, 'mid');
    assert.match(mid.name, FILE_NAME);
    assertPlainFile(mid.text, sim);
    assert.match(mid.text, /not finished when this report was written/);

    // After the end (and the watch until the domain shows capacity 0).
    await waitForLine(page, 'Run finished', 30_000);
    await waitForLine(page, 'settled', 30_000).catch(() => {});
    const before = await logLines(page);
    const done = await downloadReport(page, 'done');
    const afterDownload = await logLines(page);
    assert.match(done.name, FILE_NAME);
    assertPlainFile(done.text, sim);
    assert.match(done.text, /<dt>Outcome<\/dt><dd>completed<\/dd>/);
    assert.match(done.text, /<dt>Peak capacity<\/dt><dd>planned 4, requested 4, seen running \d+<\/dd>/);
    assert.match(done.text, /<dt>Lateness of the timed steps<\/dt><dd>median \d+ ms, p95 \d+ ms, max \d+ ms \(5 of 5 steps fired\)<\/dd>/);
    console.log(`report of a 5-step run: ${Buffer.byteLength(done.text)} bytes, ${before} log lines`);

    const shown = await openOffline(done.saved);
    assert.equal(shown.hasScript, 0);
    assert.equal(shown.title, 'Run report: my_domain');
    assert.match(shown.summary, /Endpoint\s+127\.0\.0\.1:\d+ \(HTTP\)/);
    assert.match(shown.summary, /Phantom, Signature V2, HmacSHA256/);
    assert.deepEqual(shown.paths.map((p) => p[0]), ['planned', 'requested', 'running']);
    for (const [cls, d] of shown.paths) assert.match(d, /^M[\d.]+,[\d.]+ H/, `${cls} path: ${d}`);
    assert.ok(shown.rows >= Math.min(before, afterDownload) && shown.rows <= Math.max(before, afterDownload),
      `${shown.rows} rows for ${before}…${afterDownload} log lines`);
    assert.equal(shown.firstCells[2], 'Run started');
    assert.deepEqual(shown.requests.filter((u) => !u.startsWith('file://')), [], 'the report loaded something');
    assert.equal(shown.requests.length, 1, shown.requests.join('\n'));
    assert.deepEqual(shown.problems, []);

    // The report opens in the page again ("Open a run"): its journal is kept in it.
    const other = await openPage();
    const sentBefore = (await sim.log()).length;
    const [chooser] = await Promise.all([
      other.waitForEvent('filechooser'),
      other.getByRole('button', { name: 'Open a run', exact: true }).click(),
    ]);
    await chooser.setFiles(done.saved);
    await waitForText(other.locator('.run-status .phase'), /Opened from report-done-\d+\.html \(read-only\)/);
    await other.locator('.step-log .log-line').nth(shown.rows - 1).waitFor({ timeout: 10_000 });
    assert.equal(await logLines(other), shown.rows, 'the reopened report shows its whole log');
    assert.equal((await sim.log()).length, sentBefore, 'opening a report sent a request');
    await other.close();
    // The monitor's describe in flight at the end is cancelled (as in run.test.mjs).
    assert.deepEqual(problems.filter((p) => !/Action=DescribeAutoScalingGroups.* net::ERR_ABORTED$/.test(p)), []);
  } finally {
    await close();
  }
});

test('Open a run shows a downloaded journal read-only in a fresh page, offering nothing and sending nothing', async () => {
  const { sim, page, openPage, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: { interval: 1, hold: 3 } });
  try {
    await runButton(page).click();
    await waitForLine(page, 'Run finished', 30_000);
    const lines = await logLines(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download JSON', exact: true }).click(),
    ]);
    const saved = path.join(OUTPUT, `journal-${process.pid}.json`);
    await download.saveAs(saved);
    // The run's own page goes (its watch after the end would write its records again).
    await page.close();

    // A fresh page of the same browser, the stored run cleared, opens the file.
    const other = await openPage();
    await clearStoredRuns(other);
    await other.reload();
    const sentBefore = (await sim.log()).length;
    const [chooser] = await Promise.all([
      other.waitForEvent('filechooser'),
      other.getByRole('button', { name: 'Open a run', exact: true }).click(),
    ]);
    await chooser.setFiles(saved);
    await other.locator('.step-log .log-line').nth(lines - 1).waitFor({ timeout: 10_000 });
    assert.equal(await logLines(other), lines);
    assert.match(await other.locator('.run-status .phase').innerText(), /Opened from journal-\d+\.json \(read-only\)/);
    assert.match(await other.locator('#notice').innerText(), /Opened .*read-only/);
    assert.equal(await other.getByRole('button', { name: 'Scale this domain to 0' }).count(), 0);
    assert.equal(await other.locator('.teardown-banner').count(), 0);
    await other.waitForTimeout(1500);
    assert.equal((await sim.log()).length, sentBefore, 'opening a run sent a request');
    // Nothing of it is stored: a reload shows no run.
    await other.reload();
    await other.locator('.run-status .phase').waitFor();
    assert.match(await other.locator('.run-status .phase').innerText(), /No run yet/);
  } finally {
    await close();
  }
});
