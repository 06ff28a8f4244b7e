// Child process for the generator-safety tests: writes a tree and kills itself (SIGKILL, no cleanup of any
// kind) just before the named step. Usage: node crash-write.mjs <root> <files.json> <step|none> [delay-ms]
//
// Plain JavaScript over the compiled writeTree (dist/, which `npm test` builds first, as the CLI tests use it):
// the tests start it 17 times, and each start through tsx cost about a third of a second of CPU more.
import { readFileSync } from 'node:fs';
import { writeTree } from '../../dist/io/write-tree.js';

const [root, filesJson, crashAt, delay] = process.argv.slice(2);
const files = new Map(Object.entries(JSON.parse(readFileSync(filesJson, 'utf8'))));
writeTree(root, files, ['charts/retool', 'src/generated'], {
  onStep: (step) => {
    if (step === crashAt) process.kill(process.pid, 'SIGKILL');
    if (delay) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(delay));
  },
});
