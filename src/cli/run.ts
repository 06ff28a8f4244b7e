// The process entry of the CLI: bin/retool-chart.js loads the compiled copy (dist/cli/run.js); the
// development scripts run this file from source through tsx.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
