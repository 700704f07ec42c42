// Differential test: plimsoll's Dockerfile parser against dockerfile-ast.
// For every corpus file, the instruction keywords and start lines must agree;
// a file that disagrees must be listed, with the reason, in the expectation
// file (one `file<TAB>reason` per line; `#` comments).
//
// usage: node differential.js PARSE_BENCH CORPUS_DIR EXPECTATIONS
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { DockerfileParser } = require('dockerfile-ast');

const [bench, dir, expectFile] = process.argv.slice(2);
const files = fs.readdirSync(dir).filter((f) =>
	fs.statSync(path.join(dir, f)).isFile()).sort();

// plimsoll: path<TAB>line<TAB>KEYWORD, in batches (argument limits).
const ours = new Map();
for (let i = 0; i < files.length; i += 500) {
	const batch = files.slice(i, i + 500).map((f) => path.join(dir, f));
	const out = execFileSync(bench, ['--list', ...batch],
		{ maxBuffer: 256 * 1024 * 1024 }).toString();
	for (const line of out.split('\n')) {
		if (line === '') continue;
		const [p, ln, kw] = line.split('\t');
		const f = path.basename(p);
		if (!ours.has(f)) ours.set(f, []);
		ours.get(f).push(`${ln} ${kw}`);
	}
}

const expected = new Map();
for (const line of fs.readFileSync(expectFile, 'utf8').split('\n')) {
	if (line.trim() === '' || line.startsWith('#')) continue;
	const tab = line.indexOf('\t');
	expected.set(tab < 0 ? line : line.slice(0, tab),
		tab < 0 ? '' : line.slice(tab + 1));
}

let agree = 0, listed = 0, failed = 0;
const seen = new Set();
for (const f of files) {
	const text = fs.readFileSync(path.join(dir, f), 'utf8');
	const theirs = DockerfileParser.parse(text).getInstructions().map((ins) =>
		`${ins.getRange().start.line + 1} ${ins.getKeyword().toUpperCase()}`);
	const mine = ours.get(f) || [];
	const same = theirs.length === mine.length &&
		theirs.every((v, k) => v === mine[k]);
	if (same) {
		agree++;
		if (expected.has(f)) {
			console.log(`note: ${f} now agrees; its expectation can go`);
		}
		continue;
	}
	if (expected.has(f)) {
		listed++;
		seen.add(f);
		continue;
	}
	failed++;
	let k = 0;
	while (k < theirs.length && k < mine.length && theirs[k] === mine[k]) k++;
	console.log(`DISAGREE ${f}: first difference at instruction ${k + 1}: ` +
		`dockerfile-ast '${theirs[k] || '(none)'}', plimsoll ` +
		`'${mine[k] || '(none)'}'`);
}
console.log(`differential: ${files.length} files, ${agree} agree, ` +
	`${listed} listed disagreements, ${failed} unexplained`);
console.log(`${agree + listed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
