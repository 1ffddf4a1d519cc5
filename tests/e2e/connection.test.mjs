// "Test connection" from the built page, through the same-origin proxy, against real
// servers on 127.0.0.1: the local Phantom-compatible endpoint in all three Phantom signing
// schemes, and moto with authentication enforced (standard SigV4). The servers' own
// records confirm what arrived.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startPageServer, startSim, startMoto, launchBrowser, watchProblems, fillConnection, testConnection, OUTPUT } from './harness.mjs';

const AK = 'PDEE2EACCESSKEY';
const SECRET = 'e2e-secret/with+odd=chars';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('the local Phantom-compatible endpoint answers through the proxy in every Phantom scheme', async () => {
  const sim = await startSim(['--credentials', `${AK}:${SECRET}`]);
  const server = await startPageServer({ proxies: [`/phantom/=${sim.url}`] });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(server.url);
    for (const [scheme, auth] of [['v2-hmac-sha256', 'v2'], ['v2-hmac-sha1', 'v2'], ['v4-phantom', 'v4']]) {
      await fillConnection(page, { url: sim.url, profile: 'phantom', scheme, accessKey: AK, secret: SECRET });
      const text = await testConnection(page);
      assert.match(text, /Connected: 0 launch configurations and 0 domains exist\./, `${scheme}: ${text}`);
      const log = await sim.log();
      const last = log.slice(-2);
      assert.deepEqual(last.map((r) => r.action), ['DescribeLaunchConfigurations', 'DescribeAutoScalingGroups'], scheme);
      assert.ok(last.every((r) => r.auth === auth && r.status === 200 && r.method === 'GET'), `${scheme}: ${JSON.stringify(last)}`);
    }
    await page.screenshot({ path: path.join(OUTPUT, 'test-connection-phantom.png'), fullPage: true });
    // A wrong secret: Phantom's IncompleteSignature, in plain words, with what to check.
    await page.getByLabel('Secret access key').fill('not-the-secret');
    const text = await testConnection(page);
    assert.match(text, /IncompleteSignature \(HTTP 400\)/, text);
    assert.match(text, /Check the access key ID, the secret access key and the signature scheme/, text);
    assert.ok(!text.includes('not-the-secret'));
    // Chromium logs every non-2xx fetch; the deliberately wrong secret's 400 is the only one allowed.
    const expected = (p) => p.startsWith('HTTP 400') || p.includes('status of 400 (IncompleteSignature)');
    assert.deepEqual(problems.filter((p) => !expected(p)), []);
    // The secret never reached the DOM as text, nor localStorage (not remembered).
    const html = await page.content();
    assert.ok(!html.includes(SECRET) && !html.includes('not-the-secret'));
    const stored = await page.evaluate(() => JSON.stringify(Object.assign({}, localStorage)));
    assert.ok(!stored.includes(SECRET) && !stored.includes('not-the-secret'), stored);
  } finally {
    await context.close();
    await server.stop();
    await sim.stop();
  }
});

test('moto with authentication enforced: success with the right secret, an authentication error with a wrong one', async () => {
  const moto = await startMoto();
  const server = await startPageServer({ proxies: [`/phantom/=${moto.url}`] });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await fillConnection(page, {
      url: moto.url, profile: 'aws-compatible', scheme: 'v4', region: 'us-east-1', accessKey: moto.access_key, secret: moto.secret_key,
    });
    const ok = await testConnection(page);
    assert.match(ok, /Connected: 0 launch configurations and 0 domains exist\./, ok);
    await page.getByLabel('Secret access key').fill('wrong-secret-for-moto');
    const bad = await testConnection(page);
    assert.match(bad, /SignatureDoesNotMatch \(HTTP 403\)/, bad);
    assert.match(bad, /Check the access key ID/, bad);
    await page.screenshot({ path: path.join(OUTPUT, 'test-connection-moto.png'), fullPage: true });
  } finally {
    await context.close();
    await server.stop();
    await moto.stop();
  }
});
