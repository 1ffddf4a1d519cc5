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
