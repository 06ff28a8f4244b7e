import { formatIssue } from '../issue.js';
import { checkValues, VALUES_ARG_SPEC } from './values-args.js';
import { parseArgs } from './args.js';

/** `retool-chart validate -f a.yaml [-f b.yaml] [--set k=v]`: every schema error as file:line:col  path  message. */
export async function validateCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, VALUES_ARG_SPEC);
  const { issues } = checkValues(args);
  if (issues.length) {
    process.stderr.write(`${issues.map(formatIssue).join('\n')}\n${issues.length} error(s)\n`);
    return 1;
  }
  process.stdout.write(`valid: ${args.lists.values.join(', ') || '(chart defaults only)'}\n`);
  return 0;
}
