import { formatIssue, IssuesError } from '../issue.js';

const USAGE = `retool-chart <command>

  generate [--check]                        write charts/retool and src/generated from the schema
  validate -f values.yaml [-f ...] [--set k=v] [--set-string|--set-json|--set-file|--set-literal k=v]
  render -f values.yaml [--helm 3|4] [--kube-version X] [--namespace N] [--release NAME]
  helm [--major 3|4] -- <helm args>         run the bundled helm
  start                                     render examples/evaluation.values.yaml and summarise it
  package [--out release] [--repo-url URL] [--merge index.yaml] [--sign --key NAME --keyring FILE]
                                            reproducible chart archive, index.yaml, schema URL, .prov
  import -f official.yaml [-f ...] [--set k=v] [-o out.yaml] [--release NAME] [-n NS] [--allow-dropped]
                                            values for Retool's official chart -> values for this chart
  diff (--from-manifest current.yaml | --from-values current.yaml) -f next.yaml [--from-chart official]
                                            what helm upgrade would create, delete, restart, refuse or risk
`;

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
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`retool-chart: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(args);
  } catch (error) {
    if (error instanceof IssuesError) {
      process.stderr.write(`${error.message.split('\n')[0]}\n${error.issues.map(formatIssue).join('\n')}\n`);
    } else {
      process.stderr.write(`retool-chart ${name}: ${(error as Error).message}\n`);
    }
    return 1;
  }
}
