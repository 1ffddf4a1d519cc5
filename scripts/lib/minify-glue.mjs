#!/usr/bin/env node
// Trunk post_build hook: minifies wasm-bindgen's JS glue of a release build with terser
// (project-local, installed by scripts/setup): 66 KB → 30 KB raw, 11.1 → 8.5 KB gzip.
//
// The glue is the one .js file at the top of $TRUNK_STAGING_DIR (the workers live in
// worker/ and are left alone). index.html loads it as a module with no integrity hash, so
// rewriting it invalidates nothing; exports and property names (the wasm imports are
// properties) are kept, only local names are shortened. A debug build is left readable.
// Exits 1 with a message when terser is missing or fails, so a half-built page is never
// shipped.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

function fail(message) {
  console.error(`minify-glue: ${message}`);
  process.exit(1);
}

if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) fail('no TRUNK_STAGING_DIR (run as a Trunk hook)');
const modules = process.env.PDE_NODE_MODULES || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../.tools/npm/node_modules');
let terser;
try {
  terser = createRequire(path.join(modules, 'noop.js'))('terser');
} catch (err) {
  fail(`terser not found under ${modules} (run scripts/setup): ${err.message}`);
}
const glue = fs.readdirSync(dir).filter((f) => f.endsWith('.js'));
if (glue.length !== 1) fail(`expected one .js file in ${dir}, found ${glue.length}`);
const file = path.join(dir, glue[0]);
const source = fs.readFileSync(file, 'utf8');
let result;
try {
  result = await terser.minify(source, { module: true, compress: true, mangle: true });
} catch (err) {
  fail(`terser failed on ${glue[0]}: ${err.message}`);
}
if (!result.code) fail(`terser gave no code for ${glue[0]}`);
fs.writeFileSync(file, result.code);
console.log(`minify-glue: ${glue[0]} ${source.length} → ${result.code.length} bytes`);
