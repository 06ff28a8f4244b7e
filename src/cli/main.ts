import { formatIssue, IssuesError } from '../issue.js';
import { packageVersion } from '../io/project.js';
import { HelmNotFoundError, ToolError } from '../io/tool-error.js';
import { UsageError } from './args.js';
import { selfCommand } from './invocation.js';
import { commandSpec, EXIT, formatHelp, formatUsage } from './specs.js';

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

/** Exit codes: one per outcome (EXIT and EXIT_CODES in specs.ts). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process[name ? 'stdout' : 'stderr'].write(formatUsage());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`retool-chart ${packageVersion()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`retool-chart: unknown command "${name}"${nearestCommand(name)}\n\n${formatUsage()}`);
    return EXIT.usage;
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
      process.stderr.write(`retool-chart ${name}: ${error.message}\n${spec ? `Usage: ${spec.usage}\n(${selfCommand()} ${name} --help for every option)\n` : ''}`);
      return EXIT.usage;
    }
    if (error instanceof IssuesError) {
      process.stderr.write(`${error.message.split('\n')[0]}\n${error.issues.map(formatIssue).join('\n')}\n`);
      return EXIT.invalid;
    }
    process.stderr.write(`retool-chart ${name}: ${(error as Error).message}\n`);
    if (error instanceof HelmNotFoundError) return EXIT.noHelm;
    return error instanceof ToolError ? EXIT.toolFailed : EXIT.invalid;
  }
}

function nearestCommand(name: string): string {
  const close = Object.keys(COMMANDS).find((c) => c.startsWith(name.slice(0, 3)) || name.startsWith(c.slice(0, 3)));
  return close ? `; did you mean "${close}"?` : '';
}
