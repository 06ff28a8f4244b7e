import { join } from 'node:path';
import { formatIssue } from '../issue.js';
import { PROJECT_ROOT } from '../io/project.js';
import { renderChart } from '../render/render.js';
import { summarizeManifests } from '../render/summary.js';
import { generateCommand } from './generate-command.js';
import { parseCommand } from './specs.js';
import { CHART_PATH, checkValues } from './values-args.js';

/** What `npm start` renders: the evaluation example (installable in any namespace), then Retool 4.x's complete app builder. */
const EXAMPLES = [
  { file: 'examples/evaluation.values.yaml', what: 'the evaluation topology, installable in any namespace' },
  { file: 'examples/app-builder.values.yaml', what: 'Retool 4.x\'s complete app builder; its header lists what the namespace and nodes need first' },
];

/** `npm start`: check the chart is current, then render each example and say what it deploys. */
export async function startCommand(argv: string[]): Promise<number> {
  parseCommand(argv, 'start');
  if (await generateCommand(['--check']) !== 0) return 1;
  for (const example of EXAMPLES) {
    const args = parseCommand(['-f', join(PROJECT_ROOT, example.file)], 'validate');
    const { issues } = await checkValues(args);
    if (issues.length) {
      process.stderr.write(`${issues.map(formatIssue).join('\n')}\n`);
      return 1;
    }
    const manifests = renderChart({ chartDir: CHART_PATH, valuesFiles: args.lists.values, release: 'retool' });
    process.stdout.write(`\n${example.file} (${example.what}) is valid; helm template renders:\n${summarizeManifests(manifests)}`);
    process.stdout.write(`\nInstall it:  npm run -s cli -- helm -- install retool charts/retool -f ${example.file}\n`);
    process.stdout.write(`Render it:   npm run -s cli -- render -f ${example.file}\n`);
  }
  return 0;
}
