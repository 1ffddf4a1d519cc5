// Shared helpers for the end-to-end tests: start our own servers on 127.0.0.1 (each with
// a time limit, so a crashed test never leaves one behind), launch Debian's Chromium
// through playwright-core, and collect console errors.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { failVm } from './harness-policy.mjs';

// Metric server and the simulator's VMs (startMetricServer, failVm, simInstances,
// countVms, waitForVms): kept apart, they need no browser.
export * from './harness-policy.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OUTPUT = path.join(ROOT, 'test-output', 'e2e');
fs.mkdirSync(OUTPUT, { recursive: true });

const nodeModules = process.env.PDE_NODE_MODULES || path.join(ROOT, '.tools/npm/node_modules');
const require = createRequire(path.join(nodeModules, 'noop.js'));
export const { chromium } = require('playwright-core');

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Starts `command args`, resolves with the first stdout match of `ready` (a RegExp). */
export function startProcess(command, args, ready, { timeoutMs = 20_000, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`${command} not ready after ${timeoutMs} ms\n${out}\n${err}`)); }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(ready);
      if (match) { clearTimeout(timer); resolve({ child, match, stop: () => stopChild(child) }); }
    });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${command} exited with ${code}\n${out}\n${err}`)); });
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) { resolve(); return; }
    child.once('exit', () => resolve());
    child.stdin.end();
    child.kill('SIGTERM');
  });
}

/**
 * Serves the release build (dist/, or the directory `dist`) with optional same-origin proxies (`PREFIX=URL`
 * strings). `metricsUrl` (e.g. a `startMetricServer()`'s `url`) adds the metrics proxy
 * `/metrics/=URL`: the page then reads the metric at `/metrics/queue.json`, and
 * /__pde/config.json lists it under "metrics", not among the endpoint offers.
 */
export async function startPageServer({ proxies = [], metricsUrl = null, dist = process.env.PDE_DIST || path.join(ROOT, 'dist') } = {}) {
  const args = [path.join(ROOT, 'scripts/lib/server.mjs'), '--dist', dist,
    '--listen', '127.0.0.1:0', '--exit-after', '900', '--exit-with-stdin'];
  for (const p of proxies) args.push('--proxy', p);
  if (metricsUrl) args.push('--proxy', `/metrics/=${metricsUrl}`);
  const started = await startProcess(process.execPath, args, /serving (http:\/\/\S+)/);
  return { url: started.match[1], stop: started.stop };
}

/** Launches headless Chromium. */
export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** Records console errors, page errors and failed requests of a page. */
export function watchProblems(page) {
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`); });
  return problems;
}

const simBin = () => {
  const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  const bin = process.env.PHANTOM_SIM_BIN || path.join(target, 'debug', 'phantom-sim');
  if (!fs.existsSync(bin)) throw new Error(`${bin} not found: cargo build -p phantom-sim (scripts/test does)`);
  return bin;
};
const SIM_READY = /phantom-sim listening on (http:\/\/\S+)/;
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
export { sleep };

/**
 * Starts the local Phantom-compatible endpoint (built by scripts/test) with `args`.
 *
 * `{ state: true }` adds `--state FILE` (a fresh file under test-output/e2e), so that
 * `kill()` / `start()` / `restart()` can take the endpoint down and bring it back on the
 * SAME port with its launch configurations, domains, desired capacities and VMs, as a
 * crashed and restarted Phantom would come back. The request log lives in the process:
 * `kill()` saves it first, and `log()` returns every process's entries in order, each
 * marked with the `generation` (0 for the first process) that received it.
 */
export async function startSim(args = [], { state = false } = {}) {
  const bin = simBin();
  const stateFile = state ? path.join(OUTPUT, `sim-state-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`) : null;
  const extra = stateFile ? ['--state', stateFile] : [];
  const base = ['--exit-after', '900', '--exit-with-stdin', '--control', ...extra, ...args];
  let started = await startProcess(bin, ['--listen', '127.0.0.1:0', ...base], SIM_READY);
  const url = started.match[1];
  const port = new URL(url).port;
  const earlierLogs = [];
  let generation = 0;
  let up = true;
  const currentLog = async () => (await (await fetch(`${url}/__sim/log`)).json()).map((r) => ({ ...r, generation }));
  const sim = {
    url,
    port: Number(port),
    stateFile,
    /** Whether the endpoint is running (false between `kill()` and `start()`). */
    get up() { return up; },
    stop: async () => { if (up) await started.stop(); up = false; if (stateFile) fs.rmSync(stateFile, { force: true }); },
    /** The simulator's own record of what it received (across restarts). */
    log: async () => [...earlierLogs, ...(up ? await currentLog() : [])],
    state: async () => (await fetch(`${url}/__sim/state`)).json(),
    /** Makes a VM fail (POST /__sim/fail): `instanceId`, or a random running VM (see `failVm`). */
    failVm: (domain = 'my_domain', instanceId = undefined) => failVm(url, domain, instanceId),
    /** Replaces the fault settings (PUT /__sim/faults); they do not survive a restart. */
    faults: async (faults) => {
      const res = await fetch(`${url}/__sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
      if (res.status !== 200) throw new Error(`PUT /__sim/faults: ${res.status} ${await res.text()}`);
    },
    /** Takes the endpoint down at once (SIGKILL: nothing is written after the last change). */
    kill: async () => {
      if (!up) return;
      earlierLogs.push(...await currentLog());
      await new Promise((resolve) => {
        started.child.once('exit', () => resolve());
        started.child.kill('SIGKILL');
      });
      up = false;
    },
    /** Starts the endpoint again on the same port with the same arguments (and `--state`). */
    start: async () => {
      if (up) return;
      started = await startProcess(bin, [...base, '--listen', `127.0.0.1:${port}`], SIM_READY);
      generation += 1;
      up = true;
    },
    /** `kill()`, wait `downMs`, `start()`. */
    restart: async (downMs = 0) => { await sim.kill(); await sleep(downMs); await sim.start(); },
  };
  return sim;
}

/** Starts moto with authentication enforced and an IAM user (tests/support/moto_with_user.py). */
export async function startMoto() {
  const python = process.env.PYTHON || path.join(ROOT, '.venv', 'bin', 'python');
  const started = await startProcess(python, [path.join(ROOT, 'tests/support/moto_with_user.py'), '--exit-after', '900'],
    /^(\{.*\})$/m, { timeoutMs: 60_000 });
  return { ...JSON.parse(started.match[1]), stop: started.stop };
}

/** Fills the Endpoint and Credentials sections the way a person would. */
export async function fillConnection(page, { url, profile, scheme, region, connection = 'proxy', accessKey, secret }) {
  await page.getByLabel('Phantom URL').fill(url);
  if (profile) await page.getByLabel('Profile').selectOption(profile);
  if (scheme) await page.getByLabel('Signature').selectOption(scheme);
  if (region) await page.getByLabel('Region').fill(region);
  await page.getByLabel('Connection').selectOption(connection);
  await page.getByLabel('Access key ID').fill(accessKey);
  await page.getByLabel('Secret access key').fill(secret);
}

/** Clicks "Test connection" and returns the final result text. */
export async function testConnection(page) {
  await page.getByRole('button', { name: 'Test connection' }).click();
  const result = page.locator('.test-connection-result');
  await result.locator('.ok, .error').first().waitFor({ timeout: 20_000 });
  return (await result.innerText()).trim();
}

// ---- The run page: helpers shared by run.test.mjs, teardown.test.mjs, tabs.test.mjs ----

/** A parameter of a request in the simulator's log (params as an object or as pairs). */
export function param(request, name) {
  const p = request.params;
  if (Array.isArray(p)) return p.find(([k]) => k === name)?.[1];
  return p?.[name];
}

/** The Run button (exactly "Run", not "Resume …"). */
export const runButton = (page) => page.getByRole('button', { name: 'Run', exact: true });
/** The Stop button. */
export const stopButton = (page) => page.getByRole('button', { name: 'Stop', exact: true });
/** The step log as the page shows it. */
export const logText = (page) => page.locator('.step-log').innerText();

/** Waits for a step log line containing `text`. */
export async function waitForLine(page, text, timeout = 30_000) {
  await page.locator('.step-log .log-line', { hasText: text }).first().waitFor({ timeout });
}

/**
 * The events of the newest run journal kept by the page: journals are kept per run in
 * IndexedDB (database `pde`: `events` under `[run id, seq]` as JSON text, `journals` the
 * count per run), and journals of earlier versions in localStorage
 * (`pde.run.<id>.journal`); the one whose run started last. IndexedDB is written a batch
 * behind the page, so this reads until two reads 100 ms apart agree.
 */
export async function journal(page) {
  let last = null;
  for (let i = 0; i < 30; i++) {
    const events = await page.evaluate(readNewestJournal);
    if (last && events.length === last.length) return events;
    last = events;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

/** In the page: the newest journal (see `journal`). Self-contained, for page.evaluate. */
export async function readNewestJournal() {
  const startedAt = (events) => events?.find((e) => e.type === 'run-started')?.at_ms ?? -Infinity;
  let best = [];
  let bestAt = -Infinity;
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (!/^pde\.run\..+\.journal$/.test(k)) continue;
    let j = null;
    try { j = JSON.parse(localStorage.getItem(k) || 'null'); } catch { continue; }
    const events = Array.isArray(j?.events) ? j.events : Array.isArray(j) ? j : null;
    if (events && startedAt(events) > bestAt) { best = events; bestAt = startedAt(events); }
  }
  const req = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
  let db;
  try {
    const open = indexedDB.open('pde');
    open.onupgradeneeded = () => open.transaction.abort(); // no database: none made here
    db = await req(open);
  } catch { return best; }
  try {
    if (!db.objectStoreNames.contains('journals')) return best;
    const tx = db.transaction(['events', 'journals'], 'readonly');
    const ids = await req(tx.objectStore('journals').getAllKeys());
    const metas = await req(tx.objectStore('journals').getAll());
    for (let i = 0; i < ids.length; i++) {
      const count = JSON.parse(metas[i]).events;
      const texts = await req(tx.objectStore('events').getAll(IDBKeyRange.bound([ids[i], 0], [ids[i], []])));
      const events = texts.slice(0, count).map((t) => JSON.parse(t));
      if (startedAt(events) > bestAt) { best = events; bestAt = startedAt(events); }
    }
  } finally {
    db.close();
  }
  return best;
}

/**
 * Forgets every run the page's origin keeps: the `pde.run*` keys of localStorage and the
 * IndexedDB database of journals (the page closes its connection when asked to).
 */
export async function clearStoredRuns(page) {
  await page.evaluate(async () => {
    for (const k of Object.keys(localStorage)) if (k.startsWith('pde.run')) localStorage.removeItem(k);
    await new Promise((ok) => { const r = indexedDB.deleteDatabase('pde'); r.onsuccess = ok; r.onerror = ok; r.onblocked = ok; });
  });
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}

/** median / p95 / max of a list of numbers. */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, median: median(s), p95: s[Math.max(0, Math.ceil(0.95 * s.length) - 1)], max: s[s.length - 1] };
}

/**
 * Polls until the text of `locator` matches `re`; returns the text, or throws saying what
 * it last showed (`what` names it), which a bare `waitFor` timeout does not.
 */
export async function waitForText(locator, re, { timeout = 20_000, what = 'the element' } = {}) {
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    text = await locator.innerText({ timeout: 1000 }).catch(() => '');
    if (re.test(text)) return text;
    await sleep(100);
  }
  throw new Error(`${what} never matched ${re} within ${timeout} ms; last text: ${JSON.stringify(text)}`);
}

/** Opens the page at `url` and fills the connection for the simulator at `simUrl`. */
export async function preparePage(page, url, { simUrl, scheme = 'v2-hmac-sha256', accessKey, secret }) {
  page.on('dialog', (d) => d.accept().catch(() => {}));
  await page.goto(url);
  await page.getByRole('heading', { name: 'Phantom Decision Engine' }).waitFor({ timeout: 15_000 });
  await fillConnection(page, { url: simUrl, profile: 'phantom', scheme, accessKey, secret });
}

/** Fills the tutorial ramp (only the fields given). */
export async function fillRamp(page, { start, increment, interval, peak, hold, finalCapacity, maxVms } = {}) {
  if (maxVms !== undefined) {
    const max = page.getByLabel('Max VMs', { exact: true });
    for (let i = 0; i < await max.count(); i++) await max.nth(i).fill(String(maxVms));
  }
  if (start !== undefined) await page.getByLabel('Start capacity').fill(String(start));
  if (increment !== undefined) await page.getByLabel('Increment').fill(String(increment));
  if (interval !== undefined) await page.getByLabel('Interval (seconds)').fill(String(interval));
  if (peak !== undefined) await page.getByLabel('Peak capacity').fill(String(peak));
  if (hold !== undefined) await page.getByLabel('Hold after the last step (seconds)').fill(String(hold));
  if (finalCapacity !== undefined) await page.getByLabel('Final capacity').fill(String(finalCapacity));
}

/**
 * The simulator behind the page server's same-origin proxy, a browser context and a page
 * with the connection and (by default) the compressed tutorial ramp filled in (interval
 * 1 s, hold 3 s). `simArgs` go to the simulator (credentials are added), `simOptions` to
 * `startSim`; `faults` are PUT before the page opens; `metricsUrl` gives the page server
 * a `/metrics/` proxy to it (see `startPageServer`). `openPage()` opens one more page
 * in the same context (same origin: localStorage, Web Locks and BroadcastChannel are
 * shared) with the same connection filled in.
 */
export async function openRunPage(browser, {
  accessKey, secret, scheme = 'v2-hmac-sha256', faults = null, simArgs = [], simOptions = {},
  ramp = { interval: 1, hold: 3 }, extraCredentials = [], contextOptions = {}, metricsUrl = null,
}) {
  const creds = [[accessKey, secret], ...extraCredentials].flatMap(([a, s]) => ['--credentials', `${a}:${s}`]);
  const sim = await startSim([...creds, '--boot-seconds', '0.5', ...simArgs], simOptions);
  if (faults) await sim.faults(faults);
  const server = await startPageServer({ proxies: [`/phantom/=${sim.url}`], metricsUrl });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, ...contextOptions });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await preparePage(page, server.url, { simUrl: sim.url, scheme, accessKey, secret });
  await fillRamp(page, ramp);
  const openPage = async (options = {}) => {
    const other = await context.newPage();
    await preparePage(other, server.url, { simUrl: sim.url, scheme, accessKey, secret, ...options });
    return other;
  };
  const close = async () => { await context.close().catch(() => {}); await server.stop(); await sim.stop(); };
  return { sim, server, context, page, problems, openPage, close };
}

/** The simulator's domain `name` (undefined when it does not exist). */
export async function simDomain(sim, name = 'my_domain') {
  return (await sim.state()).domains.find((d) => d.name === name);
}

/** VMs that count as capacity: anything not terminating, terminated or gone. */
export const liveVms = (domain) => (domain?.instances || []).filter((i) => !/TERMINAT|gone/.test(i.state));

/**
 * Polls the simulator until the domain's desired capacity is `capacity` and exactly that
 * many VMs are live (not terminating/terminated); returns the domain, or throws with
 * what it last saw.
 */
export async function waitForDomain(sim, { capacity, name = 'my_domain', timeout = 30_000, vms = true } = {}) {
  const deadline = Date.now() + timeout;
  let d;
  while (Date.now() < deadline) {
    d = await simDomain(sim, name).catch(() => undefined);
    if (d && Number(d.desired) === capacity && (!vms || liveVms(d).length === capacity)) return d;
    await sleep(100);
  }
  throw new Error(`domain ${name} not at capacity ${capacity} after ${timeout} ms: ${JSON.stringify(d && { desired: d.desired, vms: d.instances?.map((i) => i.state) })}`);
}

/** The SetDesiredCapacity requests in a simulator log, as [capacity, status, fault, received_ms]. */
export const capacityRequests = (log) => log.filter((r) => r.action === 'SetDesiredCapacity')
  .map((r) => ({ capacity: Number(param(r, 'DesiredCapacity')), status: r.status, fault: r.fault, at: r.received_ms, generation: r.generation }));

/**
 * Records every request a page sends to the same-origin proxy (action, capacity, time
 * sent), including those that fail to reach the endpoint. Call before the requests.
 */
export function recordEndpointRequests(page, prefix = '/phantom/') {
  const sent = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (!url.pathname.startsWith(prefix)) return;
    const params = new URLSearchParams(req.method() === 'POST' ? (req.postData() || '') : url.search);
    for (const [k, v] of url.searchParams) if (!params.has(k)) params.set(k, v);
    sent.push({ at: Date.now(), method: req.method(), action: params.get('Action'), capacity: params.get('DesiredCapacity') });
  });
  return sent;
}

// ---- Browser storage and page lifecycle ----

/**
 * Fills the page origin's localStorage up to its quota with one filler key: doubles, then
 * binary-searches the longest value that still fits (to the last character), and stores
 * that. Returns what was stored: the filler's length in UTF-16 code units (`chars`),
 * every key plus value in code units (`totalChars`), and whether even one more
 * one-character key would fit (`oneMoreFits`, false when the storage is truly full).
 */
export async function fillLocalStorage(page, key = 'pde-test.filler') {
  return page.evaluate((key) => {
    const fits = (n) => { try { localStorage.setItem(key, 'x'.repeat(n)); return true; } catch { return false; } };
    localStorage.removeItem(key);
    let lo = 0;
    let hi = 1024;
    while (fits(hi)) { lo = hi; hi *= 2; if (hi > 2 ** 30) throw new Error('localStorage seems unlimited'); }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (fits(mid)) lo = mid; else hi = mid;
    }
    if (!fits(lo)) throw new Error(`the filler of ${lo} characters no longer fits`);
    let oneMoreFits = false;
    try { localStorage.setItem(`${key}.probe`, 'x'); oneMoreFits = true; localStorage.removeItem(`${key}.probe`); } catch { /* full */ }
    let totalChars = 0;
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      totalChars += k.length + (localStorage.getItem(k) || '').length;
    }
    return { key, chars: lo, totalChars, oneMoreFits };
  }, key);
}

// ---- Hidden and frozen pages ----
//
// What makes a page truly hidden in headless Chromium 156 (measured, see
// tests/e2e/tabs.test.mjs): NOT a second page brought to front in a browser that
// Playwright launched, NOR minimizing its window, NOR `Emulation.setFocusEmulationEnabled
// false` from a session of our own. Playwright enables focus emulation in its own session
// for every page of its contexts, and in Chromium that counts as a "capturer" of the tab,
// which keeps it visible whatever else happens (`document.visibilityState` stays
// 'visible', timers are not throttled — and Playwright's launch flags also turn off timer
// throttling and renderer backgrounding). `page.evaluate` cannot fake the state either:
// the throttling follows the browser's view of the tab, not the JS property.
//
// What works: a Chromium we start ourselves (headless, none of Playwright's flags), with
// Playwright attached over CDP with `noDefaults: true` (an option of connectOverCDP that
// Playwright's own MCP extension mode uses); pages of that browser's DEFAULT context get
// no focus emulation. Two tabs in its one window behave as in a real browser: the tab
// brought to front (`Page.bringToFront`, Playwright's `bringToFront()`) is visible, the
// other is hidden — `visibilitychange` fires, `document.visibilityState === 'hidden'`,
// and main-thread timers are aligned to whole seconds (a 100 ms setTimeout fires about
// 900 ms late) while a dedicated worker's timers stay on time.
//
// Caveat: Playwright's actions (click, fill) wait for animation frames, which a hidden tab
// never renders, so they time out: act on a hidden page through `page.evaluate` (see
// `clickButton`). `page.evaluate` itself works. The same focus emulation is why a page
// Playwright launched cannot be frozen either (see `setLifecycleState`).

/**
 * Starts headless Chromium with none of Playwright's flags (so background tabs are hidden
 * and throttled as in a real browser) and attaches Playwright over CDP (`noDefaults`).
 * DevTools listen on 127.0.0.1 only; the browser runs under a shell that kills it when
 * this process closes its stdin (or dies) and after 900 s at most.
 * Returns `{ browser, context, front, close }`: `context` is the default context (no
 * emulation), `front` its first tab (about:blank), to bring to front over another page.
 */
export async function launchHidingBrowser() {
  const userDataDir = fs.mkdtempSync(path.join(OUTPUT, 'chromium-profile-'));
  const args = ['--headless', ...CHROMIUM_ARGS, '--window-size=1400,1000', `--user-data-dir=${userDataDir}`,
    '--remote-debugging-port=0', 'about:blank'];
  // GNU timeout passes the TERM on to Chromium.
  const script = 'timeout 900 "$@" & pid=$!; cat >/dev/null; kill $pid 2>/dev/null; wait $pid';
  const child = spawn('sh', ['-c', script, 'sh', process.env.CHROMIUM || '/usr/bin/chromium', ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  const ws = await new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`chromium: no DevTools endpoint after 20 s\n${err}`)), 20_000);
    child.stderr.on('data', (chunk) => {
      err += chunk;
      const m = err.match(/DevTools listening on (ws:\/\/127\.0\.0\.1:\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`chromium exited with ${code}\n${err}`)); });
  });
  const browser = await chromium.connectOverCDP(ws, { noDefaults: true });
  const context = browser.contexts()[0];
  const front = context.pages()[0] || await context.newPage();
  const close = async () => {
    await browser.close().catch(() => {});
    await new Promise((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      child.once('exit', () => resolve());
      child.stdin.end();
    });
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { browser, context, front, close };
}

/** Whether the browser considers the page hidden (`document.visibilityState`). */
export const isHidden = (page) => page.evaluate(() => document.visibilityState === 'hidden');

/**
 * Hides `page` by bringing `front` (another tab of the same window, from
 * `launchHidingBrowser`) to front, and proves it: waits until the page itself reports
 * `document.visibilityState === 'hidden'` (throws after `timeout`). From then on the
 * page records every visibility change in `window.__pdeVisibility` (see `visibilityLog`).
 */
export async function hidePage(page, front, timeout = 5000) {
  await page.evaluate(() => {
    if (window.__pdeVisibility) return;
    window.__pdeVisibility = [];
    document.addEventListener('visibilitychange', () => window.__pdeVisibility.push([Date.now(), document.visibilityState]));
  });
  await front.bringToFront();
  const deadline = Date.now() + timeout;
  while (!(await isHidden(page))) {
    if (Date.now() > deadline) throw new Error('the page did not become hidden');
    await sleep(50);
  }
}

/** The visibility changes a page recorded since `hidePage`: [[ms since epoch, state], …]. */
export const visibilityLog = (page) => page.evaluate(() => window.__pdeVisibility || []);

/** Clicks the button named exactly `name` through the DOM (works in a hidden page, unlike locator.click). */
export async function clickButton(page, name) {
  const found = await page.evaluate((name) => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === name && !b.disabled);
    button?.click();
    return Boolean(button);
  }, name);
  if (!found) throw new Error(`no enabled button "${name}"`);
}

const lifecycleSessions = new WeakMap();

/**
 * Sets a page's web lifecycle state over CDP (`Page.setWebLifecycleState`). Measured in
 * Chromium 156: 'frozen' first hides the page, then freezes it (its tasks, timers and
 * dedicated workers stop; the page gets `freeze`); 'active' unfreezes it (`resume`) but
 * leaves it hidden. A page of a Playwright-launched context cannot be frozen at all (focus
 * emulation keeps it visible and the call is silently ignored): use a page of
 * `launchHidingBrowser`. See `freezePage` / `resumePage`.
 */
export async function setLifecycleState(page, state) {
  let session = lifecycleSessions.get(page);
  if (!session) {
    session = await page.context().newCDPSession(page);
    lifecycleSessions.set(page, session);
  }
  await session.send('Page.setWebLifecycleState', { state });
}

/**
 * Freezes a page of `launchHidingBrowser` and proves it: the page records `freeze` and
 * `resume` events in `window.__pdeLifecycle` (read them with `lifecycleLog`).
 */
export async function freezePage(page) {
  await page.evaluate(() => {
    if (window.__pdeLifecycle) return;
    window.__pdeLifecycle = [];
    for (const type of ['freeze', 'resume']) document.addEventListener(type, () => window.__pdeLifecycle.push([type, Date.now()]));
  });
  await setLifecycleState(page, 'frozen');
}

/**
 * Resumes a frozen page and, given `front` (the other tab of `launchHidingBrowser`), shows
 * it again: 'active' leaves it hidden, and bringing it to front while it is already the
 * window's active tab changes nothing, so `front` comes first, then the page.
 */
export async function resumePage(page, front = null) {
  await setLifecycleState(page, 'active');
  if (!front) return;
  await front.bringToFront();
  await page.bringToFront();
  const deadline = Date.now() + 5000;
  while (await isHidden(page)) {
    if (Date.now() > deadline) throw new Error('the resumed page stayed hidden');
    await sleep(50);
  }
}

/** The `freeze` / `resume` events a page saw since `freezePage`: [[type, ms since epoch], …]. */
export const lifecycleLog = (page) => page.evaluate(() => window.__pdeLifecycle || []);
