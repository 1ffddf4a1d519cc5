// Helpers for the end-to-end tests of policies (issue 13): a metric document whose value
// a test changes, and the simulator's VMs — reading them and making one fail.
//
// Nothing here needs a browser (harness.mjs re-exports all of it), so it can be used from
// plain node as well. Every server binds 127.0.0.1 and stops on its own.
import http from 'node:http';

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * Starts a metric server on 127.0.0.1 (a random port) in this process. Every GET (any
 * path; `/queue.json` by convention) answers the current document, by default
 * `{"queue": {"length": N}}` (read it at JSON pointer `/queue/length`), as
 * `application/json`, `Cache-Control: no-store`, with `Access-Control-Allow-Origin: *` so
 * a page may also read it directly when its CSP allows.
 *
 * Returns `{ url, port, metricUrl, pointer, set(value), setDocument(doc), setStatus(code),
 * requests, value, stop() }`: `url` is the origin (`http://127.0.0.1:PORT`, what the page
 * server's `/metrics/` proxy takes), `metricUrl` the document's full URL; `set` changes N
 * (any JSON value: a string makes "not a number"); `setDocument` replaces the whole
 * document; `setStatus(503)` makes every answer that status (`setStatus(200)` back);
 * `requests` lists what was asked (`{ at, method, url }`, newest last).
 *
 * It never keeps the test process alive (the server and its connections are unref'd) and
 * closes itself after `exitAfterMs` (default 900 s) at the latest.
 */
export async function startMetricServer({ value = 0, exitAfterMs = 900_000 } = {}) {
  let doc = { queue: { length: value } };
  let status = 200;
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push({ at: Date.now(), method: req.method, url: req.url });
    if (requests.length > 10_000) requests.shift();
    const headers = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end(JSON.stringify({ error: 'GET only' }));
      return;
    }
    if (status !== 200) {
      res.writeHead(status, headers).end(JSON.stringify({ error: `HTTP ${status}, set by the test` }));
      return;
    }
    res.writeHead(200, headers).end(JSON.stringify(doc));
  });
  server.keepAliveTimeout = 1000;
  server.on('connection', (socket) => socket.unref());
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  server.unref();
  const { port } = server.address();
  let stopped = null;
  const stop = () => {
    stopped ??= new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return stopped;
  };
  setTimeout(stop, exitAfterMs).unref();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    metricUrl: `${url}/queue.json`,
    pointer: '/queue/length',
    /** The current N (`doc.queue.length`; undefined after `setDocument` without it). */
    get value() { return doc?.queue?.length; },
    set(v) { doc = { queue: { length: v } }; },
    setDocument(d) { doc = d; },
    setStatus(code) { status = code; },
    requests,
    stop,
  };
}

/** The simulator's base URL from a `startSim()` result or a URL string. */
const simUrl = (sim) => (typeof sim === 'string' ? sim : sim.url).replace(/\/+$/, '');

/**
 * Makes a VM of the simulator fail (`POST /__sim/fail`): `instanceId` (as Describe shows
 * it: a 400-PENDING or 600-RUNNING VM) or, without it, a random 600-RUNNING VM of
 * `domain`. It is then 850-FAILED (Unhealthy), still counted by the simulator's engine
 * (so not replaced by itself) until it is terminated; Terminate without decrement
 * replaces it. Resolves with the VM as `/__sim/state` shows it plus `changed` (false
 * when it had failed already); throws with the simulator's reason otherwise (404
 * unknown domain or VM, 409 nothing to fail).
 */
export async function failVm(sim, domain = 'my_domain', instanceId = undefined) {
  const body = instanceId ? { domain, instance_id: instanceId } : { domain };
  const res = await fetch(`${simUrl(sim)}/__sim/fail`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /__sim/fail ${JSON.stringify(body)}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/**
 * The VMs of the simulator's domain now (`/__sim/state`): each with `instance_id` (as
 * Describe shows it; empty while 200-REQUESTED), `iaas_id`, `cloud`, `state`
 * (`600-RUNNING`, `850-FAILED`, …), `health`, `failed_ms` and the other timestamps.
 * An empty list when the domain does not exist.
 */
export async function simInstances(sim, domain = 'my_domain') {
  const res = await fetch(`${simUrl(sim)}/__sim/state`);
  if (res.status !== 200) throw new Error(`GET /__sim/state: ${res.status} ${await res.text()}`);
  const state = await res.json();
  return state.domains.find((d) => d.name === domain)?.instances || [];
}

/**
 * VMs counted by state, the way a policy's observation counts them: `{ requested,
 * pending, running, failed, terminating, terminated, total }` (`pending` is 400-PENDING
 * only; `terminating` 800, `terminated` 900).
 */
export function countVms(instances) {
  const counts = { requested: 0, pending: 0, running: 0, failed: 0, terminating: 0, terminated: 0, total: 0 };
  const byCode = { 200: 'requested', 400: 'pending', 600: 'running', 850: 'failed', 800: 'terminating', 900: 'terminated' };
  for (const i of instances) {
    const key = byCode[Number.parseInt(i.state, 10)];
    if (key) counts[key] += 1;
    counts.total += 1;
  }
  return counts;
}

/**
 * Polls the simulator's domain until `predicate(counts, instances)` holds (see
 * `countVms`); resolves with `{ counts, instances }`, or throws with what it last saw.
 */
export async function waitForVms(sim, predicate, { domain = 'my_domain', timeout = 30_000, what = 'the VMs' } = {}) {
  const deadline = Date.now() + timeout;
  let instances = [];
  for (;;) {
    instances = await simInstances(sim, domain).catch(() => []);
    const counts = countVms(instances);
    if (predicate(counts, instances)) return { counts, instances };
    if (Date.now() > deadline) break;
    await sleep(100);
  }
  throw new Error(`${what} of ${domain} never matched within ${timeout} ms; last: ${JSON.stringify(instances.map((i) => [i.instance_id, i.state]))}`);
}
