// Shared helpers for the end-to-end tests: start our own servers on 127.0.0.1 (each with
// a time limit, so a crashed test never leaves one behind), launch Debian's Chromium
// through playwright-core, and collect console errors.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

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

/** Serves the release build (dist/) with optional same-origin proxies. */
export async function startPageServer({ proxies = [] } = {}) {
  const dist = process.env.PDE_DIST || path.join(ROOT, 'dist');
  const args = [path.join(ROOT, 'scripts/lib/server.mjs'), '--dist', dist,
    '--listen', '127.0.0.1:0', '--exit-after', '900', '--exit-with-stdin'];
  for (const p of proxies) args.push('--proxy', p);
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

/** Starts the local Phantom-compatible endpoint (built by scripts/test) with `args`. */
export async function startSim(args = []) {
  const target = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  const bin = process.env.PHANTOM_SIM_BIN || path.join(target, 'debug', 'phantom-sim');
  if (!fs.existsSync(bin)) throw new Error(`${bin} not found: cargo build -p phantom-sim (scripts/test does)`);
  const started = await startProcess(bin, ['--listen', '127.0.0.1:0', '--exit-after', '900', '--exit-with-stdin', '--control', ...args],
    /phantom-sim listening on (http:\/\/\S+)/);
  const url = started.match[1];
  return {
    url,
    stop: started.stop,
    /** The simulator's own record of what it received. */
    log: async () => (await fetch(`${url}/__sim/log`)).json(),
    state: async () => (await fetch(`${url}/__sim/state`)).json(),
  };
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
