#!/usr/bin/env node
// Trunk post_build hook: reorders the functions of a release build's .wasm so that
// similar ones sit next to each other, because gzip only finds a repeat within the last
// 32 KB it has read. The compiler lays functions out in no useful order: the dozens of
// monomorphized copies of one generic (a signal's getter, a view's builder, a serde
// visitor) end up far apart, and each is compressed as if it were new. Placed side by
// side, each copy costs little more than its differences: 529.5 → 503.8 KB gzip for the
// .wasm at the time of writing, with not one instruction changed.
//
// How: every function body gets a MinHash signature over its 4-byte shingles (an
// estimate of how many byte runs two bodies share); a greedy walk then always places
// next the unplaced function most like the one just placed. The order is handed to
// binaryen (wasm-opt 132, the project's own, on PATH by scripts/setup) as a name
// section whose names are the ranks; `--reorder-functions-by-name` moves the functions
// (and renumbers every call, table entry and export), `--strip-debug` drops the names
// again, and the stack IR flags make binaryen write the code as compactly as Trunk's
// `-Oz` run did (without them it re-emits 2.8 KB more). Only integer arithmetic with
// fixed seeds: the same input gives the same file on every machine.
//
// index.html loads the .wasm with no integrity hash (data-integrity="none"), so rewriting
// it invalidates nothing. A debug build is left as it is. Exits 1 with a message when
// the file cannot be read or wasm-opt fails, so a half-built page is never shipped.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';

/** MinHash size: 256 gave 503.8 KB, 128 507.1 KB, 384 502.9 KB (for 1.5× the time). */
const HASHES = 256;
/** Shingle width in bytes: 4 beat 3, 5, 6 and 8. */
const SHINGLE = 4;

function fail(message) {
  console.error(`order-wasm: ${message}`);
  process.exit(1);
}

/** The sections of a wasm binary: id and payload bounds; and how many functions it imports. */
export function sections(bytes) {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100 || bytes.readUInt32LE(4) !== 1) {
    throw new Error('not a version 1 wasm binary');
  }
  let at = 8;
  const uleb = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (at >= bytes.length) throw new Error('truncated LEB128');
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) return value;
      shift += 7;
      if (shift > 35) throw new Error('LEB128 too long');
    }
  };
  const list = [];
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = uleb();
    const start = at;
    at += size;
    if (at > bytes.length) throw new Error(`section ${id} runs past the end`);
    let name = null;
    if (id === 0) {
      const saved = at;
      at = start;
      const length = uleb();
      name = bytes.subarray(at, at + length).toString('latin1');
      at = saved;
    }
    list.push({ id, name, head: start - 1 - lebLength(size), start, end: at });
  }
  return { list, uleb: (pos) => { at = pos; const v = uleb(); return [v, at]; } };
}

function lebLength(value) {
  let n = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    n += 1;
  }
  return n;
}

function uleb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}

/** The number of imported functions (their indices come before the defined ones). */
function importedFunctions(bytes, parsed) {
  const section = parsed.list.find((s) => s.id === 2);
  if (!section) return 0;
  let [count, at] = parsed.uleb(section.start);
  let functions = 0;
  const skipName = () => {
    const [length, next] = parsed.uleb(at);
    at = next + length;
  };
  const skipLimits = () => {
    const flags = bytes[at++];
    at = parsed.uleb(at)[1];
    if (flags & 1) at = parsed.uleb(at)[1];
  };
  for (let i = 0; i < count; i++) {
    skipName();
    skipName();
    const kind = bytes[at++];
    if (kind === 0) {
      at = parsed.uleb(at)[1];
      functions += 1;
    } else if (kind === 1) {
      at += 1; // reference type
      skipLimits();
    } else if (kind === 2) {
      skipLimits();
    } else if (kind === 3) {
      at += 2; // value type, mutability
    } else if (kind === 4) {
      at += 1; // tag attribute
      at = parsed.uleb(at)[1];
    } else {
      throw new Error(`import of unknown kind ${kind}`);
    }
  }
  return functions;
}

/** The defined functions' bodies, in index order. */
function bodies(bytes, parsed) {
  const code = parsed.list.find((s) => s.id === 10);
  if (!code) throw new Error('no code section');
  let [count, at] = parsed.uleb(code.start);
  const out = [];
  for (let i = 0; i < count; i++) {
    const [size, next] = parsed.uleb(at);
    out.push(bytes.subarray(next, next + size));
    at = next + size;
  }
  if (at !== code.end) throw new Error('the code section has bytes after its last body');
  return out;
}

/** A MinHash signature per body: for each of HASHES hash functions, the least hash of any shingle. */
function signatures(list) {
  const seeds = new Uint32Array(HASHES);
  for (let k = 0; k < HASHES; k++) seeds[k] = (Math.imul(k + 1, 0x9e3779b1) ^ 0x85ebca6b) >>> 0;
  const out = new Uint32Array(list.length * HASHES).fill(0xffffffff);
  list.forEach((body, f) => {
    const base = f * HASHES;
    for (let p = 0; p + SHINGLE <= body.length; p++) {
      let h = 2166136261;
      for (let q = 0; q < SHINGLE; q++) h = Math.imul(h ^ body[p + q], 16777619);
      for (let k = 0; k < HASHES; k++) {
        let x = Math.imul(h ^ seeds[k], 0x85ebca6b);
        x ^= x >>> 13;
        x = Math.imul(x, 0xc2b2ae35) >>> 0;
        if (x < out[base + k]) out[base + k] = x;
      }
    }
  });
  return out;
}

/**
 * The order to lay the bodies out in: from the first, always the unplaced body whose
 * signature agrees most with the last placed one's (ties: the larger body, then the
 * lower index).
 */
export function similarityOrder(list) {
  const sig = signatures(list);
  const n = list.length;
  const placed = new Uint8Array(n);
  const order = [];
  if (n === 0) return order;
  let current = 0;
  placed[0] = 1;
  order.push(0);
  for (let step = 1; step < n; step++) {
    let best = -1;
    let bestScore = -1;
    const a = current * HASHES;
    for (let j = 0; j < n; j++) {
      if (placed[j]) continue;
      const b = j * HASHES;
      let score = 0;
      for (let k = 0; k < HASHES; k++) if (sig[a + k] === sig[b + k]) score++;
      if (score > bestScore || (score === bestScore && list[j].length > list[best].length)) {
        bestScore = score;
        best = j;
      }
    }
    placed[best] = 1;
    order.push(best);
    current = best;
  }
  return order;
}

/** The binary with its name section (if any) replaced by one naming function i by its rank. */
function withRankNames(bytes, parsed, imported, order) {
  const rank = new Uint32Array(order.length);
  order.forEach((f, r) => { rank[f] = r; });
  const width = String(order.length).length;
  const map = [...uleb(order.length)];
  for (let f = 0; f < order.length; f++) {
    const name = Buffer.from(`f${String(rank[f]).padStart(width, '0')}`, 'latin1');
    map.push(...uleb(imported + f), ...uleb(name.length), ...name);
  }
  const payload = [...uleb(4), ...Buffer.from('name', 'latin1'), 1, ...uleb(map.length), ...map];
  const kept = parsed.list.filter((s) => !(s.id === 0 && s.name === 'name'));
  return Buffer.concat([
    bytes.subarray(0, 8),
    ...kept.map((s) => bytes.subarray(s.head, s.end)),
    Buffer.from([0, ...uleb(payload.length), ...payload]),
  ]);
}

function main() {
  if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
  const dir = process.env.TRUNK_STAGING_DIR;
  if (!dir) fail('no TRUNK_STAGING_DIR (run as a Trunk hook)');
  const found = fs.readdirSync(dir).filter((f) => f.endsWith('_bg.wasm'));
  if (found.length !== 1) fail(`expected one _bg.wasm file in ${dir}, found ${found.length}`);
  const file = path.join(dir, found[0]);
  const began = Date.now();
  const bytes = fs.readFileSync(file);
  let ranked;
  let functions;
  try {
    const parsed = sections(bytes);
    const imported = importedFunctions(bytes, parsed);
    const list = bodies(bytes, parsed);
    functions = list.length;
    ranked = withRankNames(bytes, parsed, imported, similarityOrder(list));
  } catch (err) {
    fail(`cannot read ${found[0]}: ${err.message}`);
  }
  const named = `${file}.ranked`;
  fs.writeFileSync(named, ranked);
  const run = spawnSync('wasm-opt', [
    named, '--reorder-functions-by-name', '--strip-debug',
    '--generate-stack-ir', '--optimize-stack-ir', '--shrink-level=2', '-o', file,
  ], { encoding: 'utf8' });
  fs.rmSync(named, { force: true });
  if (run.error) fail(`wasm-opt did not start: ${run.error.message}`);
  if (run.status !== 0) fail(`wasm-opt failed (${run.status}): ${run.stderr.trim()}`);
  const after = fs.readFileSync(file);
  try {
    const count = bodies(after, sections(after)).length;
    if (count !== functions) fail(`wasm-opt wrote ${count} functions, not ${functions}`);
  } catch (err) {
    fail(`wasm-opt wrote a file that cannot be read: ${err.message}`);
  }
  const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
  console.log(`order-wasm: ${found[0]}: ${functions} functions, gzip ${gz(bytes)} → ${gz(after)} bytes (${Date.now() - began} ms)`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
