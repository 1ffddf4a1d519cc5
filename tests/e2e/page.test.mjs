// The release build, served on 127.0.0.1, loads in headless Chromium without a single
// console error and shows the app's skeleton.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startPageServer, launchBrowser, watchProblems, OUTPUT } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startPageServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('page loads with title, sections and no console errors', async () => {
  const page = await browser.newPage();
  const problems = watchProblems(page);
  await page.goto(server.url);
  await page.getByRole('heading', { name: 'Phantom Decision Engine' }).waitFor({ timeout: 15_000 });
  assert.equal(await page.title(), 'Phantom Decision Engine');
  const legends = await page.locator('fieldset legend').allTextContents();
  assert.deepEqual(legends, ['Endpoint', 'Credentials', 'Clouds', 'Launch configuration', 'Domain', 'Ramp', 'Simulation']);
  assert.equal(await page.getByRole('button', { name: 'Run', exact: true }).isDisabled(), true);
  await page.screenshot({ path: path.join(OUTPUT, 'skeleton.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('wasm is served with its MIME type and the page works at phone width', async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  const problems = watchProblems(page);
  const wasmTypes = [];
  page.on('response', (res) => { if (res.url().endsWith('.wasm')) wasmTypes.push(res.headers()['content-type']); });
  await page.goto(server.url);
  await page.getByRole('heading', { name: 'Phantom Decision Engine' }).waitFor({ timeout: 15_000 });
  assert.deepEqual(wasmTypes, ['application/wasm']);
  // No horizontal scrolling at phone width.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than a 360px screen`);
  assert.deepEqual(problems, []);
  await page.close();
});
