#!/usr/bin/env node
// Benchmarks side by side, printed as one table and saved as target/bench/results.json.
// Called by scripts/bench after it has built the release page and the native example.
// Every server it starts binds 127.0.0.1 and stops with it. Numbers only: nothing fails
// on time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { benchSimulate } from './bench-simulate.mjs';
import { benchEngines, openRampPage } from './bench-engines.mjs';
import { ROOT, startPageServer, startSim, startMoto, launchBrowser, fillConnection, journal as newestJournal } from '../../tests/e2e/harness.mjs';

const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
const dist = process.env.PDE_DIST || path.join(ROOT, 'dist');
const outDir = path.join(target, 'bench');
fs.mkdirSync(outDir, { recursive: true });
const results = { date: new Date().toISOString(), machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}` };
const rows = [];
const row = (section, what, app, reference, unit) => rows.push({ section, what, app, reference, unit });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

// 1. Transfer size of the release page: raw, gzip -9, brotli (max quality).
results.size = {};
for (const file of fs.readdirSync(dist)) {
  const kind = file.endsWith('.wasm') ? 'wasm' : file.endsWith('.js') ? 'js' : file.endsWith('.css') ? 'css' : file.endsWith('.html') ? 'html' : null;
  if (!kind) continue;
  const data = fs.readFileSync(path.join(dist, file));
  const gzip = zlib.gzipSync(data, { level: 9 }).length;
  const brotli = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  results.size[kind] = { file, raw: data.length, gzip, brotli };
  row('1 transfer size', `${kind} raw / gzip -9 / brotli`, `${data.length} / ${gzip} / ${brotli}`, '', 'bytes');
}

const python = process.env.PYTHON || path.join(ROOT, '.venv', 'bin', 'python');
// Credentials of the simulators this benchmark starts (they work nowhere else).
const AK = 'PDEBENCHKEY';
const SECRET = 'bench-secret';

// 2. Page load (cold, new browser context each time): navigation to the form being usable,
// as the driver sees it, beside the same measure of a static page holding only the one
// field (what the browser, the page server and the driver cost by themselves); and inside
// the page, from its navigation start: the app mounted (`pde-mounted`, the first render
// done) and the first contentful paint.
const server = await startPageServer();
const floorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pde-floor-'));
fs.writeFileSync(path.join(floorDir, 'index.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title></head><body><fieldset id="endpoint"><label for="u">Phantom URL</label><input id="u"></fieldset></body></html>');
const floorServer = await startPageServer({ dist: floorDir });
const browser = await launchBrowser();
try {
  const timeLoads = async (url, inPage) => {
    const loads = [], mounted = [], paint = [];
    for (let i = 0; i < 10; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(url);
      await page.getByLabel('Phantom URL').waitFor({ state: 'visible' });
      await page.waitForFunction(() => !document.querySelector('#endpoint input')?.disabled);
      loads.push(performance.now() - start);
      if (inPage) {
        const marks = await page.evaluate(() => ({
          mounted: performance.getEntriesByName('pde-mounted')[0]?.startTime ?? null,
          paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        }));
        if (marks.mounted !== null) mounted.push(marks.mounted);
        if (marks.paint !== null) paint.push(marks.paint);
      }
      await context.close();
    }
    return { loads, mounted, paint };
  };
  const app = await timeLoads(server.url, true);
  const floor = await timeLoads(floorServer.url, false);
  results.page_load_ms = {
    median: median(app.loads), all: app.loads,
    floor_median: median(floor.loads), floor_all: floor.loads,
    mounted_median: app.mounted.length ? median(app.mounted) : null,
    first_paint_median: app.paint.length ? median(app.paint) : null,
  };
  const fmt = (x) => (x === null ? '-' : x.toFixed(0));
  row('2 page load', 'navigation → form usable, median of 10 cold loads', median(app.loads).toFixed(0), `static one-field page ${median(floor.loads).toFixed(0)}`, 'ms');
  row('2 page load', 'in the page: navigation start → app mounted / first contentful paint (medians)', `${fmt(results.page_load_ms.mounted_median)} / ${fmt(results.page_load_ms.first_paint_median)}`, '', 'ms');
  floorServer.stop();

  // 5. Signing and parsing, in wasm inside the release page.
  const xmlFile = path.join(outDir, 'describe-1000.xml');
  execFileSync(path.join(target, 'release', 'examples', 'bench'), ['--write-xml', xmlFile]);
  const xml = fs.readFileSync(xmlFile, 'utf8');
  const page = await (await browser.newContext()).newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.pde_bench_sign);
  const wasm = await page.evaluate((doc) => {
    const b = window.wasmBindings;
    const out = {};
    for (const s of ['v2-hmac-sha256', 'v2-hmac-sha1', 'v4-phantom', 'v4']) out[`sign_${s}`] = b.pde_bench_sign(s, 5000);
    out.parse_1000_instances = b.pde_bench_parse(doc, 20);
    return out;
  }, xml);
  const native = JSON.parse(execFileSync(path.join(target, 'release', 'examples', 'bench'), ['--json']).toString());
  const botocore = JSON.parse(execFileSync(python, [path.join(ROOT, 'tests/reference/botocore_sign_bench.py'), '2000']).toString());
  results.signing_parsing_ms = { native, wasm, botocore };
  for (const key of Object.keys(native)) {
    const ref = botocore[key] === undefined ? '' : `botocore ${(botocore[key] * 1000).toFixed(1)} µs`;
    const unit = key.startsWith('parse') ? 'ms' : 'µs';
    const scale = unit === 'µs' ? 1000 : 1;
    row('5 signing and parsing', `${key} native / wasm`, `${(native[key] * scale).toFixed(key.startsWith('parse') ? 2 : 1)} / ${(wasm[key] * scale).toFixed(key.startsWith('parse') ? 2 : 1)}`, ref, unit);
  }
  // 4. Schedule fidelity: 60 steps of 250 ms through the real page against the simulator
  // (foreground tab), with no added latency and with 150 ms per request, beside the
  // tutorial's sleep-after-request script against an identical simulator.
  results.schedule_fidelity = {};
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return { median: median(s), p95: s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)], max: s[s.length - 1], last: xs[xs.length - 1], n: xs.length };
  };
  for (const latency of [0, 150]) {
    const simArgs = ['--credentials', `${AK}:${SECRET}`, '--boot-seconds', '0.2', '--latency-ms', String(latency)];
    const sim = await startSim(simArgs);
    const proxied = await startPageServer({ proxies: [`/phantom/=${sim.url}`] });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const appPage = await context.newPage();
    await openRampPage(appPage, proxied.url, sim.url);
    await appPage.getByRole('button', { name: 'Run', exact: true }).click();
    await appPage.locator('.step-log .log-line', { hasText: 'Run finished' }).first().waitFor({ timeout: 120_000 });
    const events = await newestJournal(appPage);
    const appLateness = events.filter((e) => e.type === 'ramp-step').map((e) => e.lateness_ms);
    if (latency === 0) results.sample_journal = events;
    const started = events.find((e) => e.type === 'run-started');
    const ramp = events.find((e) => e.type === 'ramp-started');
    await context.close();
    await proxied.stop();
    await sim.stop();

    const refSim = await startSim(simArgs);
    const steps = Array.from({ length: 60 }, (_, i) => i + 1).join(',');
    const ref = JSON.parse(execFileSync(python, [path.join(ROOT, 'tests/reference/tutorial_de.py'), '--url', refSim.url,
      '--access-key', AK, '--secret', SECRET, '--clouds', 'hotel:40,sierra:40', '--steps', steps,
      '--interval', '0.25', '--hold', '0.25']).toString());
    await refSim.stop();
    const refLateness = ref.steps.map((st) => st.lateness_ms);
    const app = stats(appLateness);
    const reference = stats(refLateness);
    results.schedule_fidelity[`latency_${latency}ms`] = { app, reference, app_setup_ms: ramp && started ? ramp.at_ms - started.at_ms : null, reference_setup_ms: ref.setup_ms };
    const fmt = (x) => `${x.median.toFixed(0)} / ${x.p95.toFixed(0)} / ${x.max.toFixed(0)} / ${x.last.toFixed(0)}`;
    row('4 schedule fidelity', `61 steps × 250 ms, +${latency} ms latency: lateness median / p95 / max / last-step drift`, fmt(app), `script ${fmt(reference)}`, 'ms');
    if (ramp && started) {
      // The page's setup goes in rounds (2 round trips from nothing); the script sends its
      // 5 requests one after the other: the ratio is what the rounds save.
      const appSetup = ramp.at_ms - started.at_ms;
      results.schedule_fidelity[`latency_${latency}ms`].setup_ratio = appSetup / ref.setup_ms;
      row('3 setup latency', `Run → domain created, 2 clouds, local endpoint, +${latency} ms latency (app/script ${(appSetup / ref.setup_ms).toFixed(2)})`,
        appSetup.toFixed(0), `script ${ref.setup_ms.toFixed(0)}`, 'ms');
    }
  }
  // 6. Page at scale: a step log of 10,000 lines (a journal made of a real run's events)
  // and a domain of 1,000 VMs listed in the live view; render and update times, JS heap.
  {
    const sample = results.sample_journal;
    delete results.sample_journal;
    const sent = sample.find((e) => e.type === 'request-sent' && e.action === 'SetDesiredCapacity');
    const done = sample.find((e) => e.type === 'request-done' && e.no === sent.no);
    const big = [sample[0]];
    for (let i = 0; i < 10_000; i++) {
      const no = 10_000 + i;
      big.push({ ...sent, no, at_ms: sent.at_ms + i }, { ...done, no, started_ms: done.started_ms + i, ended_ms: done.ended_ms + i });
    }
    big.push(sample[sample.length - 1]);
    const sim = await startSim(['--credentials', `${AK}:${SECRET}`, '--boot-seconds', '0.1']);
    execFileSync(python, [path.join(ROOT, 'tests/reference/tutorial_de.py'), '--url', sim.url, '--access-key', AK, '--secret', SECRET,
      '--clouds', 'hotel:1000,sierra:1000', '--steps', '1000', '--interval', '0', '--hold', '0', '--final', '1000']);
    await new Promise((r) => setTimeout(r, 500)); // every VM has an id by now
    const proxied = await startPageServer({ proxies: [`/phantom/=${sim.url}`] });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const p6 = await context.newPage();
    await p6.goto(proxied.url);
    await p6.evaluate((journal) => localStorage.setItem('pde.journal', JSON.stringify({ events: journal })), big);
    // The log is windowed (only the rows in view are in the DOM), so "loaded" and
    // "filtered" are read from its "N of M lines" count, once the scan is complete.
    const lines = p6.locator('.step-log .log-line');
    const counted = (bounds) => p6.waitForFunction(({ least = 0, most = Infinity, total = 0 }) => {
      const m = /^(\d+) of (\d+) lines$/.exec(document.querySelector('.log-count')?.textContent ?? '');
      return m && Number(m[1]) >= least && Number(m[1]) <= most && Number(m[2]) >= total;
    }, bounds, { timeout: 120_000 });
    let t = performance.now();
    await p6.reload();
    await counted({ least: 10_000, total: 10_000 });
    const logRender = performance.now() - t;
    t = performance.now();
    await p6.locator('#log-filter').selectOption('failed');
    await counted({ most: 99, total: 10_000 });
    await p6.locator('#log-filter').selectOption('all');
    await counted({ least: 10_000 });
    const logUpdate = performance.now() - t;
    await fillConnection(p6, { url: sim.url, profile: 'phantom', accessKey: AK, secret: SECRET });
    const vmRows = p6.locator('table.vm-list tbody tr');
    // From 100 VMs on the list is windowed too: its aria-rowcount (header + VMs) says how
    // many it holds.
    const listed = () => p6.waitForFunction(() => {
      const table = document.querySelector('table.vm-list');
      const rows = Number(table?.getAttribute('aria-rowcount') ?? 0) - 1;
      return Math.max(rows, document.querySelectorAll('table.vm-list tbody tr').length) >= 1000;
    }, null, { timeout: 120_000 });
    t = performance.now();
    await p6.getByRole('button', { name: 'List VMs' }).click();
    await listed();
    const vmRender = performance.now() - t;
    t = performance.now();
    await p6.getByRole('button', { name: 'List VMs' }).click();
    await p6.waitForFunction(() => !document.querySelector('.instance-list > button')?.disabled, null, { timeout: 120_000 });
    await listed();
    const vmUpdate = performance.now() - t;
    const cdp = await context.newCDPSession(p6);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    results.page_at_scale = {
      log_rows_in_dom: await lines.count(), log_render_ms: logRender, log_filter_roundtrip_ms: logUpdate,
      vm_rows_in_dom: await vmRows.count(), vm_list_ms: vmRender, vm_relist_ms: vmUpdate, js_heap_used_bytes: heap.usedSize,
    };
    row('6 page at scale', 'step log of 10,000 lines: load after reload / filter out and back', `${logRender.toFixed(0)} / ${logUpdate.toFixed(0)}`, '', 'ms');
    row('6 page at scale', 'domain of 1,000 VMs: list / list again (request + render)', `${vmRender.toFixed(0)} / ${vmUpdate.toFixed(0)}`, '', 'ms');
    row('6 page at scale', 'JS heap afterwards (after GC)', (heap.usedSize / 2 ** 20).toFixed(1), '', 'MiB');
    await context.close();
    await proxied.stop();
    await sim.stop();
  }
} finally {
  await browser.close();
  await server.stop();
}

// 3 (continued). Setup latency with an existing domain to replace and fresh launch
// configurations on 2 and 8 clouds, against the simulator and against moto: the app (Run →
// domain created, from its journal) beside the reference script doing the same work on an
// identically prepared server.
results.setup_latency = {};
{
  const browser3 = await launchBrowser();
  const cloudNames = ['hotel', 'sierra', 'alamo', 'foxtrot', 'india', 'juliet', 'kilo', 'lima'];
  const reference = (url, ak, secret, profile, zone, lc, clouds) => JSON.parse(execFileSync(python, [
    path.join(ROOT, 'tests/reference/tutorial_de.py'), '--url', url, '--access-key', ak, '--secret', secret, '--profile', profile,
    '--zone', zone, '--lc', lc, '--clouds', clouds.map((c) => `${c}:4`).join(','), '--steps', '1', '--interval', '0', '--hold', '0']).toString());
  try {
    for (const kind of ['phantom', 'moto']) {
      for (const n of [2, 8]) {
        const clouds = cloudNames.slice(0, n);
        const profile = kind === 'moto' ? 'aws' : 'phantom';
        const zone = kind === 'moto' ? 'us-east-1a' : 'us-east-1';
        const start = async () => {
          if (kind === 'moto') { const m = await startMoto(); return { url: m.url, ak: m.access_key, secret: m.secret_key, stop: m.stop }; }
          const sim = await startSim(['--credentials', `${AK}:${SECRET}`, '--boot-seconds', '0.1']);
          return { url: sim.url, ak: AK, secret: SECRET, stop: sim.stop };
        };
        // Reference: prepare (domain exists), then measure a run with fresh launch configurations.
        const refServer = await start();
        reference(refServer.url, refServer.ak, refServer.secret, profile, zone, 'prepared_lc', clouds);
        const ref = reference(refServer.url, refServer.ak, refServer.secret, profile, zone, 'bench_lc', clouds);
        await refServer.stop();
        // App: the same preparation, then Run from the page.
        const appServer = await start();
        reference(appServer.url, appServer.ak, appServer.secret, profile, zone, 'prepared_lc', clouds);
        const proxied = await startPageServer({ proxies: [`/phantom/=${appServer.url}`] });
        const context = await browser3.newContext({ viewport: { width: 1400, height: 1000 } });
        const p3 = await context.newPage();
        p3.on('dialog', (d) => d.accept());
        await p3.goto(proxied.url);
        await fillConnection(p3, { url: appServer.url, profile: kind === 'moto' ? 'aws-compatible' : 'phantom', scheme: kind === 'moto' ? 'v4' : undefined,
          region: kind === 'moto' ? 'us-east-1' : undefined, accessKey: appServer.ak, secret: appServer.secret });
        for (let i = 2; i < n; i++) await p3.getByRole('button', { name: 'Add cloud' }).click();
        for (let i = 0; i < n; i++) {
          await p3.locator(`#f-clouds-${i}-name`).fill(clouds[i]);
          await p3.locator(`#f-clouds-${i}-max_vms`).fill('4');
        }
        await p3.locator('#f-launch-base_name').fill('bench_lc');
        await p3.getByLabel('Availability zone').fill(zone);
        await p3.getByLabel('Peak capacity').fill('1');
        await p3.getByLabel('Hold after the last step (seconds)').fill('0.25');
        await p3.getByRole('button', { name: 'Run', exact: true }).click();
        await p3.locator('.step-log .log-line', { hasText: 'Run finished' }).first().waitFor({ timeout: 60_000 });
        const events = await newestJournal(p3);
        const started = events.find((e) => e.type === 'run-started');
        const ramp = events.find((e) => e.type === 'ramp-started');
        const created = events.filter((e) => e.type === 'request-done' && e.action === 'CreateLaunchConfiguration' && e.outcome?.kind === 'ok').length;
        await context.close();
        await proxied.stop();
        await appServer.stop();
        const app = ramp && started ? ramp.at_ms - started.at_ms : NaN;
        results.setup_latency[`${kind}_${n}_clouds`] = { app_ms: app, reference_ms: ref.setup_ms, launch_configurations_created: created };
        row('3 setup latency', `Run → domain created, ${n} clouds, domain replaced, ${kind === 'moto' ? 'moto (SigV4, auth)' : 'local endpoint'} (app/script ${(app / ref.setup_ms).toFixed(2)})`,
          app.toFixed(0), `script ${ref.setup_ms.toFixed(0)}`, 'ms');
      }
    }
  } finally {
    await browser3.close();
  }
}

// 7. Journal persistence (IndexedDB, tests/bench_journal.rs in headless Chromium, release
// build): keeping one more event when the journal already has 1,000 / 10,000 / 100,000
// (the call on the page's path, and until committed), and a reload reading back 100,000.
{
  const out = execFileSync('cargo', ['test', '--locked', '--release', '-p', 'phantom-de', '--target', 'wasm32-unknown-unknown',
    '--test', 'bench_journal', '--', '--nocapture'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const found = out.split('\n').map((l) => l.match(/BENCH (\{.*\})/)?.[1]).filter(Boolean).map((j) => JSON.parse(j));
  results.journal_persistence = found;
  for (const b of found.filter((b) => b.what === 'append')) {
    row('7 journal persistence', `keep 1 more event at ${b.events.toLocaleString('en')} events: call median / p95; committed median / p95`,
      `${b.call_ms_median.toFixed(3)} / ${b.call_ms_p95.toFixed(3)}; ${b.commit_ms_median.toFixed(1)} / ${b.commit_ms_p95.toFixed(1)}`, '', 'ms');
  }
  for (const b of found.filter((b) => b.what === 'reload')) {
    row('7 journal persistence', `reload: read back a journal of ${b.events.toLocaleString('en')} events (of which IndexedDB's getAll)`, `${b.ms.toFixed(0)} (${b.read_ms.toFixed(0)})`, '', 'ms');
  }
}

// 8. The step log at 100,000 lines (tests/bench_steplog.rs in headless Chromium, release
// build, the page's stylesheet): rows in the page; one more event — the engine's call, the
// step log's frame (its animation-frame callback and the rendering it queues), the whole
// frame to the task after it; a search and a filter until "N of M lines" is final (spread
// over frames of a few ms each), and the pure parts alone.
{
  const out = execFileSync('cargo', ['test', '--locked', '--release', '-p', 'phantom-de', '--target', 'wasm32-unknown-unknown',
    '--test', 'bench_steplog', '--', '--nocapture'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const found = out.split('\n').map((l) => l.match(/BENCH (\{.*\})/)?.[1]).filter(Boolean).map((j) => JSON.parse(j));
  results.step_log = found;
  for (const b of found.filter((b) => b.what === 'rows')) {
    row('8 step log', `rows in the page at ${b.lines.toLocaleString('en')} lines; first drawn after`, `${b.rows}; ${b.first_draw_ms.toFixed(0)} ms`, '', 'rows; ms');
  }
  for (const b of found.filter((b) => b.what === 'append')) {
    row('8 step log', `1 more event at ${b.lines.toLocaleString('en')} lines: engine's call; step log's frame; whole frame (median / p95)`,
      `${b.call_ms_median.toFixed(3)} / ${b.call_ms_p95.toFixed(3)}; ${b.frame_ms_median.toFixed(2)} / ${b.frame_ms_p95.toFixed(2)}; ${b.whole_ms_median.toFixed(2)} / ${b.whole_ms_p95.toFixed(2)}`, '', 'ms');
  }
  for (const b of found.filter((b) => b.what === 'search' || b.what === 'filter')) {
    const what = b.what === 'search' ? `search "${b.query}"` : `filter ${b.filter}`;
    row('8 step log', `${what} at ${b.lines.toLocaleString('en')} lines until final (${b.matches} found)`, `${b.ms.toFixed(1)} (${b.frames} frames)`, '', 'ms');
  }
  for (const b of found.filter((b) => b.what === 'pure')) {
    row('8 step log', `pure: lines of ${b.lines.toLocaleString('en')} events at once; one search through them`, `${b.book_ms.toFixed(1)}; ${b.search_scan_ms.toFixed(1)}`, '', 'ms');
  }
}

// 9. The dry run (scripts/lib/bench-simulate.mjs).
{
  const simServer = await startPageServer();
  const simBrowser = await launchBrowser();
  try {
    results.dry_run = await benchSimulate({ browser: simBrowser, serverUrl: simServer.url, row, median });
  } finally {
    await simBrowser.close();
    await simServer.stop();
  }
}

// 10. Several engines at once (scripts/lib/bench-engines.mjs).
{
  const enginesBrowser = await launchBrowser();
  try {
    results.several_engines = await benchEngines({ browser: enginesBrowser, row, median });
  } finally {
    await enginesBrowser.close();
  }
}

fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
const widths = ['section', 'what', 'app', 'reference', 'unit'].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
const line = (r) => ['section', 'what', 'app', 'reference', 'unit'].map((k, i) => String(r[k]).padEnd(widths[i])).join(' | ');
console.log(`\n${results.date} — ${results.machine}`);
console.log(line({ section: 'section', what: 'what', app: 'app', reference: 'reference', unit: 'unit' }));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line(r));
console.log(`\nJSON: ${path.relative(ROOT, path.join(outDir, 'results.json'))}`);
