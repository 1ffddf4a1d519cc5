#!/usr/bin/env node
// Trunk post_build hook: completes the Content-Security-Policy of the built index.html.
//
//   __PDE_SCRIPT_HASHES__  becomes 'sha256-…' for every inline <script> in the page
//                          (Trunk's loader script differs with every build);
//   __PDE_CONNECT_SRC__    becomes the origins in env PDE_CONNECT_SRC (space-separated,
//                          each scheme://host[:port]; empty when unset).
//
// Reads and rewrites $TRUNK_STAGING_DIR/index.html (or the file given as argument).
// Exits 1 with a message when a placeholder is missing or an origin is malformed, so a
// page with a broken policy is never shipped.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

function fail(message) {
  console.error(`csp-hook: ${message}`);
  process.exit(1);
}

const file = process.argv[2] || (process.env.TRUNK_STAGING_DIR && path.join(process.env.TRUNK_STAGING_DIR, 'index.html'));
if (!file) fail('no TRUNK_STAGING_DIR and no file argument');
let html;
try { html = fs.readFileSync(file, 'utf8'); } catch (err) { fail(`cannot read ${file}: ${err.message}`); }

for (const placeholder of ['__PDE_SCRIPT_HASHES__', '__PDE_CONNECT_SRC__']) {
  if (!html.includes(placeholder)) fail(`${placeholder} not found in ${file} (is the CSP meta tag in index.html?)`);
}

const hashes = [];
for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
  const [, attributes, body] = match;
  if (/\bsrc\s*=/i.test(attributes)) continue;
  hashes.push(`'sha256-${crypto.createHash('sha256').update(body, 'utf8').digest('base64')}'`);
}
if (hashes.length === 0) fail(`no inline script in ${file}: the app's loader would not start`);

const origins = (process.env.PDE_CONNECT_SRC || '').split(/\s+/).filter(Boolean);
for (const origin of origins) {
  if (!/^https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(origin)) {
    fail(`PDE_CONNECT_SRC entry ${JSON.stringify(origin)} is not an origin like https://svc.example.org:8445`);
  }
}

html = html.replace('__PDE_SCRIPT_HASHES__', [...new Set(hashes)].join(' '));
html = html.replace(' __PDE_CONNECT_SRC__', origins.length ? ` ${origins.join(' ')}` : '');
fs.writeFileSync(file, html);
console.log(`csp-hook: ${hashes.length} inline script hash(es), connect-src 'self'${origins.length ? ' ' + origins.join(' ') : ''}`);
