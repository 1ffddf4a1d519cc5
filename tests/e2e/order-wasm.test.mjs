// scripts/lib/order-wasm.mjs, the release build's function reordering for gzip: it
// must group similar functions, and the module binaryen writes from its order must do
// exactly what the original did (every call, table entry and export renumbered).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { similarityOrder, sections } from '../../scripts/lib/order-wasm.mjs';

const HOOK = fileURLToPath(new URL('../../scripts/lib/order-wasm.mjs', import.meta.url));

const uleb = (v) => { const o = []; do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; o.push(b); } while (v); return o; };
const sleb = (v) => { const o = []; for (;;) { const b = v & 0x7f; v >>= 7; if ((v === 0 && !(b & 0x40)) || (v === -1 && (b & 0x40))) { o.push(b); return o; } o.push(b | 0x80); } };
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const vec = (items) => [...uleb(items.length), ...items.flat()];
const name = (s) => vec([...Buffer.from(s)].map((b) => [b]));

/** Three families of `() -> i32` bodies, interleaved: arithmetic chains, loops, calls through the table. */
function family(i) {
  const f = i % 3;
  if (f === 0) {
    const chain = [];
    for (let k = 0; k < 12; k++) chain.push(0x41, ...sleb(3 + k), 0x6c, 0x41, ...sleb(5 * k + 1), 0x6a); // i32.const, mul, i32.const, add
    return { family: f, code: [0, 0x41, ...sleb(i), ...chain, 0x0b] };
  }
  if (f === 1) {
    // (local i32) local = i + 40; loop { local -= 1; br_if while local > i } ; local * 9 - 2
    const body = [1, 1, 0x7f, 0x41, ...sleb(i + 40), 0x21, 0, 0x02, 0x40, 0x03, 0x40,
      0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x41, ...sleb(i), 0x4a, 0x0d, 0, 0x0b, 0x0b,
      0x20, 0, 0x41, 9, 0x6c, 0x41, 2, 0x6b, 0x20, 0, 0x41, 13, 0x73, 0x6a, 0x0b];
    return { family: f, code: body };
  }
  // f(i-1) through the table, plus a direct call of function 0, plus i
  return { family: f, code: [0, 0x41, ...sleb(i - 1), 0x11, 0, 0, 0x10, 0, 0x6a, 0x41, ...sleb(i), 0x6a, 0x41, ...sleb(100), 0x6a, 0x0b] };
}

function module(count) {
  const bodies = Array.from({ length: count }, (_, i) => family(i));
  const bytes = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([[0x60, 0, 1, 0x7f]])),
    ...section(3, vec(bodies.map(() => [0]))),
    ...section(4, vec([[0x70, 0, ...uleb(count)]])),
    ...section(7, vec(bodies.map((_, i) => [...name(`e${i}`), 0, ...uleb(i)]))),
    ...section(9, vec([[0, 0x41, 0, 0x0b, ...vec(bodies.map((_, i) => uleb(i)))]])),
    ...section(10, vec(bodies.map((b) => [...uleb(b.code.length), ...b.code]))),
  ];
  return { bytes: Buffer.from(bytes), families: bodies.map((b) => b.family) };
}

async function results(bytes, count) {
  const { instance } = await WebAssembly.instantiate(bytes);
  return Array.from({ length: count }, (_, i) => instance.exports[`e${i}`]());
}

test('similar functions are placed together: three interleaved families come out as three runs', () => {
  const { bytes, families } = module(30);
  const parsed = sections(bytes);
  const code = parsed.list.find((s) => s.id === 10);
  let [n, at] = parsed.uleb(code.start);
  const list = [];
  for (let i = 0; i < n; i++) { const [size, next] = parsed.uleb(at); list.push(bytes.subarray(next, next + size)); at = next + size; }
  const order = similarityOrder(list);
  assert.deepEqual([...order].sort((a, b) => a - b), [...Array(30).keys()], 'a permutation');
  const runs = order.map((f) => families[f]).filter((fam, i, all) => i === 0 || fam !== all[i - 1]);
  assert.equal(runs.length, 3, `families in order: ${order.map((f) => families[f]).join('')}`);
});

test('the hook rewrites a release .wasm into one that computes the same, and leaves a debug build alone', async () => {
  const count = 60;
  const { bytes } = module(count);
  const expected = await results(bytes, count);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-wasm-'));
  try {
    const file = path.join(dir, 'app-0123_bg.wasm');
    fs.writeFileSync(file, bytes);
    const debug = spawnSync('node', [HOOK], { env: { ...process.env, TRUNK_PROFILE: 'debug', TRUNK_STAGING_DIR: dir }, encoding: 'utf8' });
    assert.equal(debug.status, 0, debug.stderr);
    assert.deepEqual(fs.readFileSync(file), bytes, 'a debug build is not touched');

    const run = spawnSync('node', [HOOK], { env: { ...process.env, TRUNK_PROFILE: 'release', TRUNK_STAGING_DIR: dir }, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /order-wasm: app-0123_bg\.wasm: 60 functions, gzip \d+ → \d+ bytes/);
    const after = fs.readFileSync(file);
    assert.notDeepEqual(after, bytes, 'the functions moved');
    assert.ok(WebAssembly.validate(after));
    assert.equal(sections(after).list.some((s) => s.id === 0 && s.name === 'name'), false, 'the rank names are dropped');
    assert.deepEqual(await results(after, count), expected);
    assert.deepEqual(fs.readdirSync(dir), ['app-0123_bg.wasm'], 'no file left behind');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that is not wasm stops the build with a message', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-wasm-'));
  try {
    fs.writeFileSync(path.join(dir, 'app_bg.wasm'), 'not wasm');
    const run = spawnSync('node', [HOOK], { env: { ...process.env, TRUNK_PROFILE: 'release', TRUNK_STAGING_DIR: dir }, encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /order-wasm: cannot read app_bg\.wasm: not a version 1 wasm binary/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
