// The page server's same-origin proxy (scripts/lib/server.mjs) forwards what the app signed:
// the path after the prefix and the query byte for byte, the body, the signing headers,
// Host set to the backend's host:port, and the backend's reason phrase (Phantom's error code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startPageServer, startMetricServer } from './harness.mjs';

function backend() {
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, host: req.headers.host, auth: req.headers.authorization, date: req.headers['x-amz-date'], cookie: req.headers.cookie, body });
      res.writeHead(400, 'IncompleteSignature', { 'Content-Type': 'text/plain' });
      res.end('400 IncompleteSignature\n\nexplanation\n');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen, port: server.address().port })));
}

test('the proxy forwards exactly what was signed and passes the reason phrase back', async () => {
  const b = await backend();
  const page = await startPageServer({ proxies: [`/phantom/=http://127.0.0.1:${b.port}/ignored-path/`] });
  try {
    const get = await fetch(`${page.url}phantom/api/?Action=DescribeAutoScalingGroups&Name=a%2Bb%20c&Z=%7E`, {
      headers: { 'X-Amz-Date': '20260102T030405Z', Authorization: 'AWS4-HMAC-SHA256 Credential=AK/x,SignedHeaders=host;x-amz-date,Signature=00', Cookie: 'session=1' },
    });
    assert.equal(get.status, 400);
    assert.equal(get.statusText, 'IncompleteSignature');
    const post = await fetch(`${page.url}phantom/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=SetDesiredCapacity&DesiredCapacity=3',
    });
    assert.equal(post.status, 400);
    assert.deepEqual(b.seen.map((s) => [s.method, s.url, s.host]), [
      ['GET', '/api/?Action=DescribeAutoScalingGroups&Name=a%2Bb%20c&Z=%7E', `127.0.0.1:${b.port}`],
      ['POST', '/', `127.0.0.1:${b.port}`],
    ]);
    assert.equal(b.seen[0].date, '20260102T030405Z');
    assert.match(b.seen[0].auth, /^AWS4-HMAC-SHA256 Credential=AK\/x,/);
    assert.equal(b.seen[0].cookie, undefined, 'cookies are not forwarded');
    assert.equal(b.seen[1].body, 'Action=SetDesiredCapacity&DesiredCapacity=3');
    // Only the configured prefix is proxied.
    const other = await fetch(`${page.url}phantomx/?Action=X`);
    assert.equal(other.status, 404);
    const config = await (await fetch(`${page.url}__pde/config.json`)).json();
    assert.deepEqual(config, { proxies: [{ prefix: '/phantom/', target: `http://127.0.0.1:${b.port}` }] });
  } finally {
    await page.stop();
    b.server.close();
  }
});

test('an unreachable backend is a 502 with a readable reason, not a hang', async () => {
  const page = await startPageServer({ proxies: ['/phantom/=http://127.0.0.1:9/'] });
  try {
    const r = await fetch(`${page.url}phantom/?Action=X`);
    assert.equal(r.status, 502);
    assert.match(await r.text(), /could not reach http:\/\/127\.0\.0\.1:9/);
  } finally {
    await page.stop();
  }
});

test('a redirect is answered as a 502 that names its status and target', async () => {
  const b = http.createServer((req, res) => { res.writeHead(302, { Location: 'https://elsewhere.example/api/' }).end(); });
  await new Promise((resolve) => b.listen(0, '127.0.0.1', resolve));
  const page = await startPageServer({ proxies: [`/phantom/=http://127.0.0.1:${b.address().port}/`] });
  try {
    // Passed on as a 302 the page's fetch (redirect: manual) would get an opaque redirect.
    const r = await fetch(`${page.url}phantom/?Action=X`, { redirect: 'manual' });
    assert.equal(r.status, 502);
    assert.equal(r.headers.get('location'), null);
    assert.equal(r.headers.get('x-pde-redirect-status'), '302');
    assert.equal(r.headers.get('x-pde-redirect-location'), 'https://elsewhere.example/api/');
    assert.match(await r.text(), /redirect \(HTTP 302 to https:\/\/elsewhere\.example\/api\/\)/);
  } finally {
    await page.stop();
    b.close();
  }
});

// "Follow a metric" (issue 13) reads its document through a proxy at /metrics/: forwarded
// like the endpoint's (a path in its target kept), but config.json lists it apart, so the
// page's connection still takes /phantom/ (the first of "proxies").
test('the /metrics/ proxy serves the metric document and is not offered as the endpoint', async () => {
  const metrics = await startMetricServer({ value: 4 });
  const page = await startPageServer({ proxies: ['/phantom/=http://127.0.0.1:9/'], metricsUrl: metrics.url });
  const onPath = await startPageServer({ proxies: [`/metrics/=${metrics.url}/api/`] });
  try {
    const config = await (await fetch(`${page.url}__pde/config.json`)).json();
    assert.deepEqual(config, {
      proxies: [{ prefix: '/phantom/', target: 'http://127.0.0.1:9' }],
      metrics: { prefix: '/metrics/', target: metrics.url },
    });
    const read = async (base, p) => { const r = await fetch(`${base}${p}`); assert.equal(r.status, 200); return r.json(); };
    assert.deepEqual(await read(page.url, 'metrics/queue.json'), { queue: { length: 4 } });
    metrics.set(9);
    assert.deepEqual(await read(page.url, 'metrics/queue.json?t=1'), { queue: { length: 9 } });
    assert.equal(metrics.requests.at(-1).url, '/queue.json?t=1');
    // Without an endpoint proxy, nothing is offered as the connection; the target's path is kept.
    assert.deepEqual((await read(onPath.url, '__pde/config.json')).proxies, []);
    assert.deepEqual(await read(onPath.url, 'metrics/queue.json'), { queue: { length: 9 } });
    assert.equal(metrics.requests.at(-1).url, '/api/queue.json');
    metrics.setStatus(503);
    assert.equal((await fetch(`${page.url}metrics/queue.json`)).status, 503);
  } finally {
    await page.stop();
    await onPath.stop();
    await metrics.stop();
  }
});
