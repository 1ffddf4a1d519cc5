// The settings page as a new user meets it: fill the form with the keyboard, check the
// plan preview against the seed tutorial's sequence, reload and find the settings (but
// not the secret) again; the page server's proxy as the default connection; the
// Content-Security-Policy; the settings file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startPageServer, launchBrowser, watchProblems, OUTPUT } from './harness.mjs';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYE2E-secret';

// The seed tutorial's run in rounds: [phase, round, when, action, sent].
const TUTORIAL = [
  ['Launch configurations', '1', 'at the start', 'CreateLaunchConfiguration', 'only if my_launch_config@hotel is missing'],
  ['Launch configurations', '1', 'at the start', 'CreateLaunchConfiguration', 'only if my_launch_config@sierra is missing'],
  ['Domain', '1', 'at the start', 'DescribeAutoScalingGroups', 'always'],
  ['Domain', '2', 'after round 1', 'DeleteAutoScalingGroup', 'only if my_domain exists'],
  ['Domain', '3', 'after round 2', 'DescribeAutoScalingGroups', 'only if my_domain existed; repeated until it is gone'],
  ['Domain', '4', 'after round 3', 'CreateAutoScalingGroup', 'always'],
  ['Ramp', '', '+0 s', 'SetDesiredCapacity', 'always'],
  ['Ramp', '', '+10 s', 'SetDesiredCapacity', 'always'],
  ['Ramp', '', '+20 s', 'SetDesiredCapacity', 'always'],
  ['Ramp', '', '+30 s', 'SetDesiredCapacity', 'always'],
  ['End', '', '+90 s', 'SetDesiredCapacity', 'always'],
];

let plain;
let proxied;
let browser;

before(async () => {
  plain = await startPageServer();
  // The proxy target need not be up: nothing is sent in these tests.
  proxied = await startPageServer({ proxies: ['/phantom/=http://127.0.0.1:8445/'] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await plain?.stop();
  await proxied?.stop();
});

/** A new page in a fresh profile, recording problems and CSP violations. */
async function open(url, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  await page.getByRole('heading', { name: 'Phantom Decision Engine' }).waitFor({ timeout: 15_000 });
  return { context, page, problems };
}

const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');

/** Presses Tab until the element with `id` has focus (at most `limit` times). */
async function tabTo(page, id, limit = 40) {
  for (let i = 0; i < limit; i++) {
    if ((await focusedId(page)) === id) return;
    await page.keyboard.press('Tab');
  }
  assert.equal(await focusedId(page), id, `Tab never reached #${id}`);
}

const storageDump = (page) => page.evaluate(() => Object.entries(localStorage).map(([k, v]) => `${k}=${v}`).join('\n'));

async function planRows(page) {
  return page.locator('table.plan tr.request').evaluateAll((rows) => rows.map((r) => {
    const cell = (c) => r.querySelector(`td.${c}`).textContent;
    return [cell('phase'), cell('round'), cell('when'), r.querySelector('.action').textContent, cell('condition')];
  }));
}

test('a new user fills the form by keyboard, sees the tutorial plan, and a reload keeps the settings but not the secret', async () => {
  const { context, page, problems } = await open(plain.url);
  const run = page.getByRole('button', { name: 'Run', exact: true });
  assert.equal(await run.isDisabled(), true);
  assert.match(await page.locator('#run-reason').textContent(), /^Run is disabled: fix 3 settings first \(Phantom URL, Access key ID, Secret access key\)/);

  // Keyboard only, from the top of the page.
  await page.keyboard.press('Tab');
  await tabTo(page, 'f-endpoint-url');
  await page.keyboard.type('http://127.0.0.1:8445');
  // No proxy on this server: the connection is direct, and the page's policy would block it.
  await page.waitForFunction(() => document.querySelector('#f-endpoint-connection')?.value === 'direct');
  assert.match(await page.locator('#csp-warning').textContent(), /does not allow connections to http:\/\/127\.0\.0\.1:8445/);
  await tabTo(page, 'f-endpoint-timeout');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('20');
  await tabTo(page, 'f-credentials-access_key_id');
  await page.keyboard.type('AKIDEXAMPLE');
  await page.keyboard.press('Tab');
  assert.equal(await focusedId(page), 'f-credentials-secret');
  await page.keyboard.type(SECRET);
  // A mistake, caught inline and fixed: a cloud name with a space.
  await tabTo(page, 'f-clouds-1-name');
  await page.keyboard.press('End');
  await page.keyboard.type(' 2');
  await page.locator('#f-clouds-1-name-error').waitFor();
  assert.equal(await page.locator('#f-clouds-1-name-error').textContent(), 'A cloud name cannot contain spaces');
  assert.equal(await run.isDisabled(), true);
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.locator('#f-clouds-1-name-error').waitFor({ state: 'detached' });

  assert.equal(await run.isDisabled(), false);
  assert.equal(await page.locator('#run-reason').textContent(), 'Ready: Run makes the requests of the plan below.');

  // The preview is the tutorial's work in rounds.
  assert.deepEqual(await planRows(page), TUTORIAL);
  const summaries = await page.locator('table.plan .summary').allTextContents();
  assert.equal(summaries[0], 'my_launch_config@hotel: image hello-phantom.gz, m1.small, key phantomkey, groups default');
  assert.equal(summaries[5], 'my_domain from my_launch_config@hotel, MinSize 0, MaxSize 0, zone us-east-1; tags PHANTOM_DEFINITION=error_overflow_n_preserving, clouds=hotel:4,sierra:4, minimum_vms=0');
  assert.deepEqual(summaries.slice(6), ['my_domain → 1', 'my_domain → 2', 'my_domain → 3', 'my_domain → 4', 'my_domain → 0']);
  const chart = await page.locator('svg.chart').getAttribute('aria-label');
  assert.equal(chart, 'Planned capacity over time: 1 at +0 s, 2 at +10 s, 3 at +20 s, 4 at +30 s, 0 at +90 s');

  // "Show signed request" on the CreateAutoScalingGroup row, by keyboard.
  const show = page.locator('table.plan tr.request').nth(5).getByRole('button', { name: 'Show signed request' });
  await show.focus();
  await page.keyboard.press('Enter');
  const debug = await page.locator('.signed pre.debug').textContent();
  assert.match(debug, /^scheme: v2-hmac-sha256\nstring to sign:\nPOST\n127\.0\.0\.1:8445\n\/\nAWSAccessKeyId=AKIDEXAMPLE&Action=CreateAutoScalingGroup/);
  assert.equal((await page.content()).includes(SECRET), false, 'the secret is in the DOM');

  await page.screenshot({ path: path.join(OUTPUT, 'settings.png'), fullPage: true });
  assert.equal((await storageDump(page)).includes(SECRET), false, 'the secret was stored');

  await page.reload();
  await page.getByRole('heading', { name: 'Phantom Decision Engine' }).waitFor();
  await page.locator('table.plan').waitFor();
  assert.equal(await page.locator('#f-endpoint-url').inputValue(), 'http://127.0.0.1:8445');
  assert.equal(await page.locator('#f-endpoint-timeout').inputValue(), '20');
  assert.equal(await page.locator('#f-credentials-access_key_id').inputValue(), 'AKIDEXAMPLE');
  assert.equal(await page.locator('#f-clouds-1-name').inputValue(), 'sierra');
  assert.equal(await page.locator('#f-credentials-secret').inputValue(), '');
  assert.equal((await storageDump(page)).includes(SECRET), false);
  assert.equal(await run.isDisabled(), true);
  assert.equal(await page.locator('#run-reason').textContent(), 'Run is disabled: fix 1 setting first (Secret access key).');
  assert.deepEqual(await planRows(page), TUTORIAL);

  assert.deepEqual(problems, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  await context.close();
});

test("the page server's proxy is the default connection and its target the URL", async () => {
  const { context, page, problems } = await open(proxied.url);
  await page.waitForFunction(() => document.querySelector('#f-endpoint-url')?.value === 'http://127.0.0.1:8445');
  assert.equal(await page.locator('#f-endpoint-connection').inputValue(), 'proxy');
  assert.equal(await page.locator('#f-endpoint-proxy_prefix').inputValue(), '/phantom/');
  assert.match(await page.locator('#endpoint').textContent(), /This page's server offers a proxy at \/phantom\/ to http:\/\/127\.0\.0\.1:8445\./);
  assert.equal(await page.locator('#csp-warning').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the Content-Security-Policy allows the app and blocks injected script', async () => {
  const { context, page, problems } = await open(plain.url);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/]+=*';/);
  assert.match(csp, /connect-src 'self';/);
  assert.match(csp, /default-src 'none'/);
  assert.equal(csp.includes('__PDE_'), false, 'a placeholder was left in the policy');
  assert.deepEqual(problems, [], 'the app itself violates nothing');
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true;';
    document.head.append(s);
    return window.__injected === true;
  });
  assert.equal(ran, false, 'an injected inline script ran');
  await page.waitForFunction(() => window.__csp.length > 0);
  assert.deepEqual(await page.evaluate(() => window.__csp), ['script-src-elem inline']);
  await context.close();
});

test('settings export without the secret, and import refuses bad files with a specific message', async () => {
  const { context, page, problems } = await open(plain.url);
  await page.locator('#f-credentials-secret').fill(SECRET);
  await page.locator('#f-domain-name').fill('exported_domain');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-settings').click()]);
  const exported = fs.readFileSync(await download.path(), 'utf8');
  assert.equal(exported.includes(SECRET), false);
  const file = JSON.parse(exported);
  assert.equal(file.version, 2, 'every engine, in settings format version 2');
  assert.equal(file.engines.length, 1);
  assert.equal(file.engines[0].domain.name, 'exported_domain');

  const notice = page.locator('#notice');
  const upload = (name, text) => page.locator('#import-settings').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  await upload('broken.json', '{"version": 1,');
  await page.waitForFunction(() => document.querySelector('#notice')?.textContent.startsWith('Not imported'));
  assert.equal(await notice.textContent(), 'Not imported: The file is not valid JSON: EOF while parsing a value at line 1 column 14');
  await upload('future.json', JSON.stringify({ ...file, version: 3 }));
  await page.waitForFunction(() => document.querySelector('#notice')?.textContent.includes('version 3'));
  assert.equal(await notice.textContent(), 'Not imported: Settings version 3 is not supported; this app reads versions 1 and 2');
  await upload('secret.json', exported.replace('"access_key_id"', '"secret_key": "x", "access_key_id"'));
  await page.waitForFunction(() => document.querySelector('#notice')?.textContent.includes('secret_key'));
  assert.equal(await notice.textContent(), 'Not imported: The file contains "secret_key": settings files never carry secrets; remove it and import again');

  await page.locator('#reset-settings').click();
  assert.equal(await page.locator('#f-domain-name').inputValue(), 'my_domain');
  await upload('settings.json', exported);
  await page.waitForFunction(() => document.querySelector('#f-domain-name')?.value === 'exported_domain');
  assert.match(await notice.textContent(), /^Settings imported/);
  // A version 1 file (one engine, as the first release wrote it) still imports.
  await page.locator('#f-domain-name').fill('typed_over');
  await upload('old.json', JSON.stringify({ ...file.engines[0], version: 1, domain: { ...file.engines[0].domain, name: 'old_file_domain' } }));
  await page.waitForFunction(() => document.querySelector('#f-domain-name')?.value === 'old_file_domain');
  assert.equal(await page.locator('#f-credentials-secret').inputValue(), SECRET, 'import keeps the secret in memory');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the form works at phone width in the dark colour scheme', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, colorScheme: 'dark' });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(plain.url);
  await page.locator('table.plan').waitFor({ timeout: 15_000 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than a 360px screen`);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(21, 24, 28)');
  await page.screenshot({ path: path.join(OUTPUT, 'settings-phone-dark.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
