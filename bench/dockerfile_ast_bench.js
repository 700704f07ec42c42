// Parses files with dockerfile-ast and prints totals in the format of
// plimsoll-parse-bench. usage: node dockerfile_ast_bench.js REPEAT FILE...|@LIST
'use strict';
const fs = require('fs');
const path = require('path');
const modules = process.env.PLM_NODE_MODULES ||
	path.join(__dirname, '..', 'tests', 'differential', 'node_modules');
const { DockerfileParser } = require(path.join(modules, 'dockerfile-ast'));

const repeat = parseInt(process.argv[2], 10);
let files = process.argv.slice(3);
if (files.length === 1 && files[0].startsWith('@')) {
	files = fs.readFileSync(files[0].slice(1), 'utf8').split('\n')
		.filter((l) => l !== '');
}
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
let instructions = 0;
// CPU time (user + system), like plimsoll-parse-bench: robust on a shared
// machine. Node's own helper threads (GC) are included, which favours
// neither side much.
const c0 = process.cpuUsage();
for (let r = 0; r < repeat; r++) {
	for (const text of texts) {
		const n = DockerfileParser.parse(text).getInstructions().length;
		if (r === 0) instructions += n;
	}
}
const c1 = process.cpuUsage(c0);
const secs = (c1.user + c1.system) / 1e6;
const total = bytes * repeat;
console.log(`dockerfile-ast: ${files.length} files x ${repeat}, ` +
	`${(total / 1e6).toFixed(1)} MB, ${secs.toFixed(3)} s, ` +
	`${Math.round(files.length * repeat / secs)} files/s, ` +
	`${(total / 1e6 / secs).toFixed(1)} MB/s, ${instructions} instructions, ` +
	`peak RSS ${process.resourceUsage().maxRSS} KB (CPU time)`);
