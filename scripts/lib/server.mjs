#!/usr/bin/env node
// Serves the built page (dist/) on 127.0.0.1 and, optionally, a same-origin proxy to a
// Phantom or AWS-compatible endpoint. No dependencies beyond Node itself.
//
//   node scripts/lib/server.mjs --dist dist --listen 127.0.0.1:8080 \
//        [--proxy /phantom/=http://127.0.0.1:8445/] [--proxy-insecure] \
//        [--exit-after SECONDS] [--exit-with-stdin] [--allow-remote]
//
// The proxy forwards method, the path after the prefix, the query byte for byte, the body
// and the signing headers to the target's origin, and sets `Host` to the backend's
// host:port — the value the app signed. The page already puts the endpoint's own path after
// the prefix (/phantom/api/?... for https://host/api/), so a path in the target is ignored.
// It never follows redirects (it answers one with a 502 naming its status and target in
// X-PDE-Redirect-Status and X-PDE-Redirect-Location, which the page can read) and passes
// the backend's reason phrase on (Phantom puts its error code there).
// GET /__pde/config.json tells the page which proxies exist.
//
// A proxy at the prefix /metrics/ (`--proxy /metrics/=http://127.0.0.1:9100`) is for the
// page's metric reads ("Follow a metric": Metric URL /metrics/queue.json), not an
// endpoint: it is forwarded the same way, except that a path in its target is kept
// (/metrics/x goes to http://host/api/x for --proxy /metrics/=http://host/api/), and
// config.json names it under "metrics", never among "proxies", so the page keeps
// offering /phantom/ as the connection (it takes the first of "proxies"):
//   {"proxies":[{"prefix":"/phantom/","target":"http://127.0.0.1:8445"}],
//    "metrics":{"prefix":"/metrics/","target":"http://127.0.0.1:9100"}}
// ("metrics" is absent without such a proxy).
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'origin', 'referer', 'cookie']);

/** The prefix of the proxy for metric documents (see the header). */
const METRICS_PREFIX = '/metrics/';

function usage(message) {
  if (message) console.error(`server: ${message}`);
  console.error('usage: server.mjs --dist DIR [--listen 127.0.0.1:PORT] [--proxy PREFIX=URL]... [--proxy-insecure] [--exit-after S] [--exit-with-stdin] [--allow-remote]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { dist: null, listen: '127.0.0.1:8080', proxies: [], insecure: false, exitAfter: 0, exitWithStdin: false, allowRemote: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => { if (i + 1 >= argv.length) usage(`${arg} needs a value`); return argv[++i]; };
    switch (arg) {
      case '--dist': opts.dist = path.resolve(value()); break;
      case '--listen': opts.listen = value(); break;
      case '--proxy': {
        const spec = value();
        const eq = spec.indexOf('=');
        if (eq < 0) usage(`--proxy wants PREFIX=URL, got ${spec}`);
        const prefix = spec.slice(0, eq);
        let target;
        try { target = new URL(spec.slice(eq + 1)); } catch { usage(`--proxy target is not a URL: ${spec.slice(eq + 1)}`); }
        if (!prefix.startsWith('/') || !prefix.endsWith('/')) usage('--proxy prefix must start and end with /');
        if (!['http:', 'https:'].includes(target.protocol)) usage('--proxy target must be http:// or https://');
        opts.proxies.push({ prefix, target, metrics: prefix === METRICS_PREFIX });
        break;
      }
      case '--proxy-insecure': opts.insecure = true; break;
      case '--exit-after': opts.exitAfter = Number(value()); break;
      case '--exit-with-stdin': opts.exitWithStdin = true; break;
      case '--allow-remote': opts.allowRemote = true; break;
      case '--help': case '-h': usage(); break;
      default: usage(`unknown argument ${arg}`);
    }
  }
  if (!opts.dist) usage('--dist is required');
  if (!fs.existsSync(path.join(opts.dist, 'index.html'))) usage(`${opts.dist}/index.html not found: build the page first`);
  return opts;
}

// The custom policy's sandbox worker runs code a person pasted (src/api/sandbox.rs). A
// worker loaded from a URL does not inherit the page's <meta> CSP: its policy is the one
// its own response carries, and without one it could connect anywhere. The worker deletes
// every network and storage API before that code runs; this header is the second wall, so
// that a way out it missed (or `import()`, which cannot be deleted) loads and connects
// nowhere. 'unsafe-eval' is what the worker is for (it compiles the code with
// `new Function`); 'self' admits only this origin's own files, which hold no secret.
// Keyed by the file's path in dist, however the URL spelled it.
const FILE_HEADERS = {
  'worker/policy.js': { 'Content-Security-Policy': "default-src 'none'; script-src 'unsafe-eval'" },
};

function serveStatic(opts, req, res, pathname) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let rel;
  try { rel = decodeURIComponent(pathname); } catch { res.writeHead(400).end(); return; }
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = path.join(opts.dist, path.normalize(rel));
  if (!file.startsWith(opts.dist + path.sep)) { res.writeHead(403).end(); return; }
  fs.readFile(file, (err, data) => {
    if (err) { res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n'); return; }
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(file)] || 'application/octet-stream',
      'Content-Length': data.length,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...FILE_HEADERS[path.relative(opts.dist, file).split(path.sep).join('/')],
    });
    res.end(req.method === 'HEAD' ? undefined : data);
  });
}

function proxy(opts, entry, req, res) {
  const rest = req.url.slice(entry.prefix.length);
  // An endpoint's own path is already in `rest` (the page puts it after the prefix); a
  // metric document's is not: the Metric URL names only what comes after /metrics/.
  const base = entry.metrics ? entry.target.pathname.replace(/\/+$/, '') : '';
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name) && !name.startsWith('sec-')) headers[name] = value;
  }
  headers.host = entry.target.host; // host[:port] exactly as the app signed it
  const client = entry.target.protocol === 'https:' ? https : http;
  const upstream = client.request({
    protocol: entry.target.protocol,
    hostname: entry.target.hostname.replace(/^\[|\]$/g, ''),
    port: entry.target.port || (entry.target.protocol === 'https:' ? 443 : 80),
    method: req.method,
    path: `${base}/${rest}`,
    headers,
    rejectUnauthorized: !opts.insecure,
  }, (up) => {
    if (up.statusCode >= 300 && up.statusCode < 400) {
      // Passed on as a 3xx, the page's fetch (redirect: manual) would get an opaque
      // redirect, which hides its status and target (even without Location): answer a
      // 502 that names them instead.
      up.resume();
      const location = up.headers.location;
      const named = { 'Content-Type': 'text/plain; charset=utf-8', 'X-PDE-Redirect-Status': String(up.statusCode) };
      if (location !== undefined) named['X-PDE-Redirect-Location'] = location;
      res.writeHead(502, 'Bad Gateway', named);
      res.end(`502 Bad Gateway\n\nThe endpoint answered with a redirect (HTTP ${up.statusCode}${location ? ` to ${location}` : ''}); the proxy does not follow redirects.\n`);
      return;
    }
    const out = {};
    for (const [name, value] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
    res.writeHead(up.statusCode, up.statusMessage, out);
    up.pipe(res);
  });
  upstream.setTimeout(120_000, () => upstream.destroy(new Error('upstream timed out')));
  upstream.on('error', (err) => {
    if (!res.headersSent) {
      res.writeHead(502, 'Bad Gateway', { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`502 Bad Gateway\n\nThe proxy could not reach ${entry.target.origin}: ${err.code || err.message}\n`);
    } else {
      res.destroy();
    }
  });
  req.pipe(upstream);
}

/**
 * What GET /__pde/config.json answers: the endpoint proxies under "proxies" (the page
 * offers the first as its connection), the metrics proxy apart under "metrics".
 */
function serverConfig(proxies) {
  const offer = (p) => ({ prefix: p.prefix, target: p.target.origin });
  const config = { proxies: proxies.filter((p) => !p.metrics).map(offer) };
  const metrics = proxies.find((p) => p.metrics);
  if (metrics) config.metrics = { ...offer(metrics), target: metrics.target.href.replace(/\/+$/, '') };
  return config;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const colon = opts.listen.lastIndexOf(':');
  const host = opts.listen.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(opts.listen.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535) usage(`bad --listen ${opts.listen}`);
  const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
  if (!loopback && !opts.allowRemote) usage(`refusing to listen on non-loopback ${host} without --allow-remote`);

  const config = JSON.stringify(serverConfig(opts.proxies));
  const server = http.createServer((req, res) => {
    const pathname = req.url.split('?')[0];
    if (pathname === '/__pde/config.json') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(config);
      return;
    }
    const entry = opts.proxies.find((p) => req.url.startsWith(p.prefix));
    if (entry) proxy(opts, entry, req, res);
    else serveStatic(opts, req, res, pathname);
  });
  server.keepAliveTimeout = 5000;
  server.on('error', (err) => { console.error(`server: ${err.message}`); process.exit(1); });
  server.listen(port, host, () => {
    const addr = server.address();
    const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    console.log(`serving http://${shown}:${addr.port}/`);
  });
  const stop = () => { server.close(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (opts.exitAfter > 0) setTimeout(stop, opts.exitAfter * 1000).unref();
  if (opts.exitWithStdin) { process.stdin.on('end', stop); process.stdin.on('close', stop); process.stdin.resume(); }
}

main();
