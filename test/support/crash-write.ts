// Child process for the generator-safety tests: writes a tree and kills itself (SIGKILL, no cleanup of any
// kind) just before the named step. Usage: tsx crash-write.ts <root> <files.json> <step|none> [delay-ms]
import { readFileSync } from 'node:fs';
import { writeTree } from '../../src/io/write-tree.js';

const [root, filesJson, crashAt, delay] = process.argv.slice(2);
const files = new Map<string, string>(Object.entries(JSON.parse(readFileSync(filesJson, 'utf8'))));
writeTree(root, files, ['charts/retool', 'src/generated'], {
  onStep: (step) => {
    if (step === crashAt) process.kill(process.pid, 'SIGKILL');
    if (delay) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(delay));
  },
});
