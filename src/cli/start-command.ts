import { join } from 'node:path';
import { formatIssue } from '../issue.js';
import { PROJECT_ROOT } from '../io/project.js';
import { renderChart } from '../render/render.js';
import { summarizeManifests } from '../render/summary.js';
import { generateCommand } from './generate-command.js';
import { parseCommand } from './specs.js';
import { CHART_PATH, checkValues } from './values-args.js';

const EXAMPLE = 'examples/evaluation.values.yaml';

/** `npm start`: check the chart is current, then render the evaluation example and say what it deploys. */
export async function startCommand(argv: string[]): Promise<number> {
  parseCommand(argv, 'start');
  if (await generateCommand(['--check']) !== 0) return 1;
  const args = parseCommand(['-f', join(PROJECT_ROOT, EXAMPLE)], 'validate');
  const { issues } = await checkValues(args);
  if (issues.length) {
    process.stderr.write(`${issues.map(formatIssue).join('\n')}\n`);
    return 1;
  }
  const manifests = renderChart({ chartDir: CHART_PATH, valuesFiles: args.lists.values, release: 'retool' });
  process.stdout.write(`\n${EXAMPLE} is valid; helm template renders:\n${summarizeManifests(manifests)}`);
  process.stdout.write('\nInstall it:  npm run -s cli -- helm -- install retool charts/retool -f examples/evaluation.values.yaml\n');
  process.stdout.write('Render it:   npm run -s cli -- render -f examples/evaluation.values.yaml\n');
  return 0;
}
