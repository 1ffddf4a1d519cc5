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
import { ROOT, startPageServer, startSim, launchBrowser, fillConnection } from '../../tests/e2e/harness.mjs';

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

// 2. Page load (cold, new browser context each time): navigation to the form being usable.
const server = await startPageServer();
const browser = await launchBrowser();
try {
  const loads = [];
  for (let i = 0; i < 10; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const start = performance.now();
    await page.goto(server.url);
    await page.getByLabel('Phantom URL').waitFor({ state: 'visible' });
    await page.waitForFunction(() => !document.querySelector('#endpoint input')?.disabled);
    loads.push(performance.now() - start);
    await context.close();
  }
  results.page_load_ms = { median: median(loads), all: loads };
  row('2 page load', 'navigation → form usable, median of 10 cold loads', median(loads).toFixed(0), '', 'ms');

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
  const AK = 'PDEBENCHKEY';
  const SECRET = 'bench-secret';
  for (const latency of [0, 150]) {
    const simArgs = ['--credentials', `${AK}:${SECRET}`, '--boot-seconds', '0.2', '--latency-ms', String(latency)];
    const sim = await startSim(simArgs);
    const proxied = await startPageServer({ proxies: [`/phantom/=${sim.url}`] });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const appPage = await context.newPage();
    appPage.on('dialog', (d) => d.accept());
    await appPage.goto(proxied.url);
    await fillConnection(appPage, { url: sim.url, profile: 'phantom', accessKey: AK, secret: SECRET });
    await appPage.getByLabel('Max VMs', { exact: true }).nth(0).fill('40');
    await appPage.getByLabel('Max VMs', { exact: true }).nth(1).fill('40');
    await appPage.getByLabel('Peak capacity').fill('60');
    await appPage.getByLabel('Interval (seconds)').fill('0.25');
    await appPage.getByLabel('Hold after the last step (seconds)').fill('0.25');
    await appPage.getByRole('button', { name: 'Run', exact: true }).click();
    await appPage.locator('.step-log .log-line', { hasText: 'Run finished' }).first().waitFor({ timeout: 120_000 });
    const events = await appPage.evaluate(() => JSON.parse(localStorage.getItem('pde.journal') || '{"events":[]}').events);
    const appLateness = events.filter((e) => e.type === 'ramp-step').map((e) => e.lateness_ms);
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
      row('3 setup latency', `Run → domain created, 2 clouds, local endpoint, +${latency} ms latency`, (ramp.at_ms - started.at_ms).toFixed(0), `script ${ref.setup_ms.toFixed(0)}`, 'ms');
    }
  }
} finally {
  await browser.close();
  await server.stop();
}

// What is not measured yet is reported as such, not guessed.
for (const [section, what] of [
  ['3 setup latency', '8 clouds, a replaced domain, and moto'],
  ['6 page at scale', '1,000 instances and 10,000 log lines: render, update, JS heap'],
]) {
  row(section, what, 'not measured yet', '', '');
}
results.not_measured = ['setup_latency_8_clouds_replace_moto', 'page_at_scale'];

fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
const widths = ['section', 'what', 'app', 'reference', 'unit'].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
const line = (r) => ['section', 'what', 'app', 'reference', 'unit'].map((k, i) => String(r[k]).padEnd(widths[i])).join(' | ');
console.log(`\n${results.date} — ${results.machine}`);
console.log(line({ section: 'section', what: 'what', app: 'app', reference: 'reference', unit: 'unit' }));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line(r));
console.log(`\nJSON: ${path.relative(ROOT, path.join(outDir, 'results.json'))}`);
