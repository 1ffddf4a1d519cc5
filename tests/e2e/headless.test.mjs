// The same engine without a browser (issue 15): settings exported from the page run
// headless (`phantom-de-run`) against a second, identically started local endpoint, and
// the two endpoints receive the same requests in the same order; the journal the runner
// writes opens in the page ("Open a run") and shows the same step log lines the runner
// printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  launchBrowser, openRunPage, runButton, waitForLine, startSim, ROOT, OUTPUT,
} from './harness.mjs';

const AK = 'PDEE2EHEADLESSKEY';
const SECRET = 'e2e-headless-secret/with+odd=chars';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

function runnerBin() {
  const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  const bin = path.join(target, 'debug', 'phantom-de-run');
  if (!fs.existsSync(bin)) throw new Error(`${bin} not found: cargo build --bin phantom-de-run (scripts/test does)`);
  return bin;
}

/** Runs the headless runner to its end; its exit code, stdout and stderr. */
function runHeadless(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(runnerBin(), args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`phantom-de-run did not end:\n${err}`)); }, 60_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, out, err }); });
  });
}

/**
 * What an endpoint was asked to change, in order: every request but the describes (how
 * often the live view looks differs between a page and a terminal), with its own
 * parameters (not the signing ones). Launch configurations are created concurrently,
 * so each run of them is compared as a set.
 */
function changes(log) {
  const signing = /^(AWSAccessKeyId|Signature.*|Timestamp|Version|Action|X-Amz-.*)$/;
  const rows = log
    .filter((r) => r.action && !r.action.startsWith('Describe') && r.status === 200)
    .map((r) => `${r.action} ${JSON.stringify(Object.fromEntries(Object.entries(r.params || {}).filter(([k]) => !signing.test(k)).sort()))}`);
  const out = [];
  for (const row of rows) {
    const last = out.at(-1);
    if (row.startsWith('CreateLaunchConfiguration') && Array.isArray(last)) last.push(row);
    else out.push(row.startsWith('CreateLaunchConfiguration') ? [row] : row);
  }
  return out.map((r) => (Array.isArray(r) ? r.sort() : r));
}

test('settings exported from the page run headless with the same requests, in the same order, and its journal opens in the page', async () => {
  const { sim, page, openPage, close } = await openRunPage(browser, { accessKey: AK, secret: SECRET, ramp: { interval: 1, hold: 3 } });
  const second = await startSim(['--credentials', `${AK}:${SECRET}`, '--boot-seconds', '0.5']);
  try {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-settings').click()]);
    const settingsFile = path.join(OUTPUT, `headless-settings-${process.pid}.json`);
    await download.saveAs(settingsFile);
    assert.ok(!fs.readFileSync(settingsFile, 'utf8').includes(SECRET), 'the exported settings hold the secret');

    await runButton(page).click();
    await waitForLine(page, 'Run finished', 30_000);
    const pageChanges = changes(await sim.log());

    const journalFile = path.join(OUTPUT, `headless-journal-${process.pid}.json`);
    const { code, out, err } = await runHeadless(['--journal', journalFile, '--no-progress', settingsFile], {
      PHANTOM_URL: second.url, EC2_ACCESS_KEY: AK, EC2_SECRET_KEY: SECRET,
    });
    assert.equal(code, 0, err);
    for (const text of [out, err, fs.readFileSync(journalFile, 'utf8')]) assert.ok(!text.includes(SECRET), 'the secret was printed or written');
    const headlessChanges = changes(await second.log());
    assert.ok(pageChanges.length >= 6, JSON.stringify(pageChanges, null, 1));
    assert.deepEqual(headlessChanges, pageChanges);
    const domain = (await second.state()).domains.find((d) => d.name === 'my_domain');
    assert.equal(Number(domain?.desired), 0, JSON.stringify(domain));

    // The runner's journal, opened in a page: the lines it printed.
    await page.close();
    const other = await openPage();
    const [chooser] = await Promise.all([
      other.waitForEvent('filechooser'),
      other.getByRole('button', { name: 'Open a run', exact: true }).click(),
    ]);
    await chooser.setFiles(journalFile);
    await other.locator('.run-status .phase', { hasText: 'read-only' }).waitFor({ timeout: 10_000 });
    const printed = out.trimEnd().split('\n').length - 1; // a header line, then one per log line
    assert.equal(await other.locator('.step-log .log-line').count(), printed, out);
    assert.match(await other.locator('.step-log').innerText(), /Run finished/);
  } finally {
    await second.stop();
    await close();
  }
});
