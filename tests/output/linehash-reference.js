// linehash-reference.js - a test-only re-implementation of the published
// steps of github/codeql-action's `hash` (src/fingerprints.ts), with BigInt
// for the 64-bit arithmetic, to cross-check core/output/linehash.c.
// Usage: node linehash-reference.js FILE  -> one "LINE HASH" per line.
'use strict';
const fs = require('fs');

const BLOCK = 100;
const MASK = (1n << 64n) - 1n;
const M = 37n;
let firstMod = 1n;
for (let i = 0; i < BLOCK; i++) firstMod = (firstMod * M) & MASK;

const text = fs.readFileSync(process.argv[2], 'utf8');
const window = Array(BLOCK).fill(0);
const lineAt = Array(BLOCK).fill(-1);
const counts = new Map();
let hash = 0n, index = 0, line = 0, lineStart = true, prevCR = false;
const out = [];

function output() {
  const h = hash.toString(16);
  const n = (counts.get(h) || 0) + 1;
  counts.set(h, n);
  out.push(`${lineAt[index]} ${h}:${n}`);
  lineAt[index] = -1;
}
function update(c) {
  const begin = window[index];
  window[index] = c;
  hash = (M * hash + BigInt(c) - firstMod * BigInt(begin)) & MASK;
  index = (index + 1) % BLOCK;
}
function processUnit(c) {
  if (c === 32 || c === 9 || (prevCR && c === 10)) { prevCR = false; return; }
  if (c === 13) { c = 10; prevCR = true; } else { prevCR = false; }
  if (lineAt[index] !== -1) output();
  if (lineStart) { lineStart = false; line++; lineAt[index] = line; }
  if (c === 10) lineStart = true;
  update(c);
}
for (let i = 0; i < text.length; i++) processUnit(text.charCodeAt(i));
processUnit(65535);
for (let i = 0; i < BLOCK; i++) {
  if (lineAt[index] !== -1) output();
  update(0);
}
process.stdout.write(out.join('\n') + '\n');
