#!/usr/bin/env node
// A CORS-enabled server on 127.0.0.1 for the browser transport tests (tests/wasm_fetch.rs).
//   node tests/support/fetch-test-server.mjs [--exit-after SECONDS]
// Prints "listening http://127.0.0.1:PORT" once ready. Routes:
//   /echo           200, JSON of the method, headers and body received
//   /xml            200, a DescribeAutoScalingGroups answer
//   /text           200, a body that is not XML
//   /phantom-error  400 with reason phrase "IncompleteSignature" and Phantom's plain text
//   /slow?ms=N      200 after N ms
//   /redirect…      302 to /xml (any path starting so: the client appends its query)
//   /proxied-redirect…  a 302 to /xml as the page server's proxy passes it on: a 502
//                   naming it in X-PDE-Redirect-Status and X-PDE-Redirect-Location
//   /big            200, 9 MiB with Content-Length
//   /huge           200, 256 MiB streamed without Content-Length, as fast as the reader takes it
//                   (far more than Chromium reads ahead or drains of a cancelled answer: with
//                   50 MiB a slow, busy machine once saw all of it written before the abort)
//   /huge-report    JSON: bytes of the last /huge written, whether it finished, whether
//                   the connection closed
import http from 'node:http';

const MIB = 1024 * 1024;
const HUGE = 256 * MIB;
let huge = { written: 0, finished: false, closed: false };

const cors = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': '*',
  'Access-Control-Allow-Methods': 'GET, POST',
  'Access-Control-Expose-Headers': 'Date, x-amzn-RequestId, X-PDE-Redirect-Status, X-PDE-Redirect-Location',
};

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (req.method === 'OPTIONS') { res.writeHead(204, cors).end(); return; }
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    if (url.pathname.startsWith('/redirect')) {
      res.writeHead(302, { ...cors, Location: '/xml' });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/proxied-redirect')) {
      res.writeHead(502, 'Bad Gateway', { ...cors, 'Content-Type': 'text/plain; charset=utf-8', 'X-PDE-Redirect-Status': '302', 'X-PDE-Redirect-Location': '/xml' });
      res.end('502 Bad Gateway\n\nThe endpoint answered with a redirect (HTTP 302 to /xml); the proxy does not follow redirects.\n');
      return;
    }
    switch (url.pathname) {
      case '/echo':
        res.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
        break;
      case '/xml':
        res.writeHead(200, { ...cors, 'Content-Type': 'text/html', 'x-amzn-RequestId': 'fetch-test' });
        res.end('<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2009-05-15/"><ResponseMetadata><RequestId>xml-id</RequestId></ResponseMetadata><DescribeAutoScalingGroupsResult><AutoScalingGroups><member><AutoScalingGroupName>d</AutoScalingGroupName><DesiredCapacity>2</DesiredCapacity></member></AutoScalingGroups></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>');
        break;
      case '/text':
        res.writeHead(200, { ...cors, 'Content-Type': 'text/plain' });
        res.end('hello, this is not XML');
        break;
      case '/phantom-error':
        res.writeHead(400, 'IncompleteSignature', { ...cors, 'Content-Type': 'text/plain' });
        res.end('400 IncompleteSignature\n\nThe request signature does not conform to AWS standards.\n');
        break;
      case '/slow':
        setTimeout(() => { res.writeHead(200, cors); res.end('late'); }, Number(url.searchParams.get('ms') || 1000));
        break;
      case '/big': {
        const body = Buffer.alloc(9 * MIB, 'x');
        res.writeHead(200, { ...cors, 'Content-Type': 'text/xml', 'Content-Length': body.length });
        res.end(body);
        break;
      }
      case '/huge': {
        huge = { written: 0, finished: false, closed: false };
        const state = huge;
        const chunk = Buffer.alloc(256 * 1024, ' ');
        res.writeHead(200, { ...cors, 'Content-Type': 'text/xml' });
        res.on('close', () => { state.closed = true; });
        const pump = () => {
          while (state.written < HUGE && !state.closed) {
            state.written += chunk.length;
            if (!res.write(chunk)) { res.once('drain', pump); return; }
          }
          if (!state.closed) { state.finished = true; res.end(); }
        };
        pump();
        break;
      }
      case '/huge-report':
        res.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
        res.end(JSON.stringify(huge));
        break;
      default:
        res.writeHead(404, cors).end();
    }
  });
});

const exitAfter = Number(process.argv[process.argv.indexOf('--exit-after') + 1]) || 600;
setTimeout(() => process.exit(0), exitAfter * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
server.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${server.address().port}`));
