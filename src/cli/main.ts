import { formatIssue, IssuesError } from '../issue.js';
import { packageVersion } from '../io/project.js';
import { ToolError } from '../io/tool-error.js';
import { UsageError } from './args.js';
import { commandSpec, formatHelp, formatUsage } from './specs.js';

export type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  generate: async () => (await import('./generate-command.js')).generateCommand,
  validate: async () => (await import('./validate-command.js')).validateCommand,
  render: async () => (await import('./render-command.js')).renderCommand,
  helm: async () => (await import('./helm-command.js')).helmCommand,
  start: async () => (await import('./start-command.js')).startCommand,
  package: async () => (await import('./package-command.js')).packageCommand,
  import: async () => (await import('./import-command.js')).importCommand,
  diff: async () => (await import('./diff-command.js')).diffCommand,
  doctor: async () => (await import('./doctor-command.js')).doctorCommand,
  init: async () => (await import('./init-command.js')).initCommand,
  explain: async () => (await import('./explain-command.js')).explainCommand,
};

/** Exit codes: 0 ok, 1 invalid input, 2 usage, 3 helm/tool failure (see EXIT_CODES in specs.ts). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process[name ? 'stdout' : 'stderr'].write(formatUsage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`retool-chart ${packageVersion()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`retool-chart: unknown command "${name}"${nearestCommand(name)}\n\n${formatUsage()}`);
    return 2;
  }
  const spec = commandSpec(name);
  const dash = args.indexOf('--');
  const own = dash === -1 ? args : args.slice(0, dash);
  if (spec && (own.includes('--help') || own.includes('-h'))) {
    process.stdout.write(formatHelp(spec));
    return 0;
  }
  try {
    return await (await load())(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`retool-chart ${name}: ${error.message}\n${spec ? `Usage: ${spec.usage}\n(retool-chart ${name} --help for every option)\n` : ''}`);
      return 2;
    }
    if (error instanceof IssuesError) {
      process.stderr.write(`${error.message.split('\n')[0]}\n${error.issues.map(formatIssue).join('\n')}\n`);
      return 1;
    }
    process.stderr.write(`retool-chart ${name}: ${(error as Error).message}\n`);
    return error instanceof ToolError ? 3 : 1;
  }
}

function nearestCommand(name: string): string {
  const close = Object.keys(COMMANDS).find((c) => c.startsWith(name.slice(0, 3)) || name.startsWith(c.slice(0, 3)));
  return close ? `; did you mean "${close}"?` : '';
}
