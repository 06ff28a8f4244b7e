// The process entry of the CLI: bin/retool-chart.js loads the compiled copy (dist/cli/run.js); the
// development scripts run this file from source through tsx.
import { callerDirectory } from './invocation.js';
import { main } from './main.js';

// `npm run cli -- init -o x.yaml` from a subdirectory: npm runs scripts from the package root, so paths the
// user typed are made relative to where they typed them (INIT_CWD) again.
process.chdir(callerDirectory());
process.exitCode = await main(process.argv.slice(2));
