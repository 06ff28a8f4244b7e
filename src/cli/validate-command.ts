import { formatIssue } from '../issue.js';
import { checkValues } from './values-args.js';
import { parseCommand } from './specs.js';
import { styleFor } from './style.js';

/** `retool-chart validate -f a.yaml [-f b.yaml] [--set k=v] [--output json]`: every schema error as file:line:col  path  message. */
export async function validateCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, 'validate');
  const { issues } = await checkValues(args);
  if (args.strings.output === 'json') {
    // Issues as data (file, line, column, path, message), for CI annotations; stdout holds only the JSON.
    process.stdout.write(`${JSON.stringify({ valid: issues.length === 0, files: args.lists.values, issues }, null, 2)}\n`);
    return issues.length ? 1 : 0;
  }
  if (issues.length) {
    const style = styleFor(process.stderr);
    process.stderr.write(`${issues.map((issue) => style.red(formatIssue(issue))).join('\n')}\n${issues.length} error(s)\n`);
    return 1;
  }
  process.stdout.write(`${styleFor(process.stdout).green('valid')}: ${args.lists.values.join(', ') || '(chart defaults only)'}\n`);
  return 0;
}
