import { formatIssue } from '../issue.js';
import { describeDeployment, formatDeploymentMermaid, formatDeploymentText } from '../model/deployment.js';
import { projectModel } from '../project-model.js';
import { parseCommand } from './specs.js';
import { checkValues } from './values-args.js';

/** `retool-chart explain -f values.yaml [--format text|mermaid|json]`: what the values deploy, from the chart model. */
export async function explainCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, 'explain');
  const { values, issues } = await checkValues(args);
  if (issues.length) {
    process.stderr.write(`${issues.map(formatIssue).join('\n')}\n${issues.length} error(s); nothing explained\n`);
    return 1;
  }
  const deployment = describeDeployment(projectModel(), values);
  const format = args.strings.format ?? 'text';
  if (format === 'json') process.stdout.write(`${JSON.stringify(deployment, null, 2)}\n`);
  else if (format === 'mermaid') process.stdout.write(formatDeploymentMermaid(deployment));
  else process.stdout.write(formatDeploymentText(deployment));
  return 0;
}
