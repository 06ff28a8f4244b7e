// The process entry of the CLI: bin/retool-chart.js loads the compiled copy (dist/cli/run.js); the
// development scripts run this file from source through tsx.
import { callerDirectory } from './invocation.js';
import { main } from './main.js';
import { describeIoError } from '../io/write-outputs.js';

// `npm run cli -- init -o x.yaml` from a subdirectory: npm runs scripts from the package root, so paths the
// user typed are made relative to where they typed them (INIT_CWD) again.
process.chdir(callerDirectory());
// Output into a full disk or a closed pipe: one line (or, for a reader that went away such as `| head`,
// nothing) instead of Node's unhandled 'error' event with a stack trace.
for (const [name, stream] of [['standard output', process.stdout], ['standard error', process.stderr]] as const) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && stream !== process.stderr) process.stderr.write(`retool-chart: ${describeIoError(name, error)}\n`);
    process.exit(error.code === 'EPIPE' ? process.exitCode ?? 0 : 1);
  });
}
process.exitCode = await main(process.argv.slice(2));
