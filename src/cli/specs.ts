import { parseArgs, UsageError, type ArgSpec, type ParsedArgs } from './args.js';

/**
 * Every command's options, as data: the parser, `--help` and the README's CLI reference all read these, so
 * the three can never disagree.
 */
export interface OptionSpec {
  name: string;
  short?: string;
  /** Placeholder of the value; absent for a flag. */
  value?: string;
  /** May be given more than once (collected in order). */
  repeat?: boolean;
  /** Allowed values, checked by the parser. */
  choices?: string[];
  description: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec[];
  examples: string[];
  /** Everything after `--` is passed on (helm). */
  passThrough?: boolean;
}

/** One exit code per outcome, so a script can tell them apart; `--help` and the README list them from here. */
export const EXIT = {
  ok: 0,
  invalid: 1,
  usage: 2,
  toolFailed: 3,
  noHelm: 4,
  importDropped: 5,
  diffUnsafe: 6,
} as const;

export const EXIT_CODES: Array<[number, string]> = [
  [EXIT.ok, 'success (valid values, all checks passed, the upgrade is safe)'],
  [EXIT.invalid, 'invalid input: values fail the schema, a check failed, a file is missing or unreadable'],
  [EXIT.usage, 'usage error: unknown command or option, a missing option value or a missing required option'],
  [EXIT.toolFailed, 'a tool failed: helm (or another program the command runs) exited with an error; `doctor --cluster`: no kubectl, or the cluster cannot be reached'],
  [EXIT.noHelm, 'no helm found: HELM_BIN unset, no `helm` on PATH and no bundled Helm package'],
  [EXIT.importDropped, '`import`: a setting that changes behaviour cannot be carried; nothing written (--allow-dropped writes anyway)'],
  [EXIT.diffUnsafe, '`diff`: the upgrade is refused by Kubernetes or risks data'],
];

const VALUES_OPTIONS: OptionSpec[] = [
  { name: 'values', short: 'f', value: 'FILE', repeat: true, description: 'values file; repeat to merge several, later files win (as Helm)' },
  { name: 'set', value: 'KEY=VALUE', repeat: true, description: 'set one value, as `helm --set` (wins over files)' },
  { name: 'set-string', value: 'KEY=VALUE', repeat: true, description: 'set one value as a string, as `helm --set-string`' },
  { name: 'set-json', value: 'KEY=JSON', repeat: true, description: 'set one value from JSON, as `helm --set-json`' },
  { name: 'set-file', value: 'KEY=FILE', repeat: true, description: 'set one value to a file\'s content, as `helm --set-file`' },
  { name: 'set-literal', value: 'KEY=VALUE', repeat: true, description: 'set one value as a literal string, as `helm --set-literal`' },
];

/** Where a render lands: the options `render` and `diff` share with `helm template`. */
const RENDER_TARGET_OPTIONS: OptionSpec[] = [
  { name: 'kube-version', value: 'VERSION', description: 'Kubernetes version to render for, e.g. 1.31.0' },
  { name: 'namespace', short: 'n', value: 'NAMESPACE', description: 'namespace (default retool)' },
  { name: 'release', value: 'NAME', description: 'release name (default retool)' },
];

const OUTPUT_JSON: OptionSpec = { name: 'output', value: 'FORMAT', choices: ['text', 'json'], description: 'text (default) or json (machine-readable, for CI)' };

export const COMMAND_SPECS: CommandSpec[] = [
  {
    name: 'init',
    summary: 'write a commented starter values file (and optionally a Secret with fresh keys)',
    usage: 'retool-chart init [--profile P] [--database D] [--temporal T] [--blob-storage B [--blob-bucket NAME]] [--ingress-host HOST [--ingress-tls-secret S]] [-o FILE] [--secret-manifest FILE]',
    options: [
      { name: 'profile', value: 'PROFILE', choices: ['evaluation', 'production'], description: 'evaluation (in-release databases) or production (external database, secrets from a Secret)' },
      { name: 'database', value: 'MODE', choices: ['embedded', 'external'], description: 'storage database: embedded (evaluation only) or external' },
      { name: 'temporal', value: 'MODE', choices: ['retoolManaged', 'external', 'local'], description: 'Temporal for Workflows' },
      { name: 'ingress-host', value: 'HOST', description: 'expose Retool through an Ingress on this host name' },
      { name: 'ingress-tls-secret', value: 'SECRET', description: 'terminate TLS at the Ingress with this existing kubernetes.io/tls Secret' },
      { name: 'temporal-mtls-secret', value: 'SECRET', description: 'with --temporal external: mTLS with the client certificate in this Secret (keys tls.crt, tls.key)' },
      { name: 'temporal-ca', description: 'with --temporal-mtls-secret: that Secret also holds ca.crt, the CA of the Temporal frontend' },
      { name: 'blob-storage', value: 'MODE', choices: ['embedded', 's3', 'gcs', 'azure', 'disabled'], description: 'object storage for Retool 4.x: embedded (evaluation with inline keys; the default there), s3, gcs, azure (the pods\' own cloud identity) or disabled (the default otherwise)' },
      { name: 'blob-bucket', value: 'NAME', description: 'with --blob-storage s3|gcs|azure: the bucket (Azure: container)' },
      { name: 'blob-account-url', value: 'URL', description: 'with --blob-storage azure: https://<account>.blob.core.windows.net' },
      { name: 'out', short: 'o', value: 'FILE', description: 'where to write the values (default: print them)' },
      { name: 'secret-manifest', value: 'FILE', description: 'also write a Kubernetes Secret with a fresh encryptionKey and jwtSecret' },
      { name: 'force', description: 'overwrite existing files' },
      { name: 'no-input', description: 'never ask questions, even on a terminal' },
    ],
    examples: [
      'retool-chart init -o values.yaml                                   # asks on a terminal',
      'retool-chart init --profile production --ingress-host retool.example.com -o values.yaml --secret-manifest retool-secret.yaml',
    ],
  },
  {
    name: 'validate',
    summary: 'check values files and --set overrides against the schema, exactly as Helm will',
    usage: 'retool-chart validate -f values.yaml [-f more.yaml] [--set k=v] [--set-string k=v] [--output json]',
    options: [...VALUES_OPTIONS, OUTPUT_JSON],
    examples: ['retool-chart validate -f values.yaml', 'retool-chart validate -f values.yaml --set profile=production --output json'],
  },
  {
    name: 'doctor',
    summary: 'preflight from your machine: values-level advice, the live cluster (--cluster, read-only), then the database checks of `helm test`',
    usage: 'retool-chart doctor -f values.yaml [--cluster [--context C] [-n NS] [--kubeconfig PATH]] [--database-url URL] [--retooldb-url URL] [--output json]',
    options: [
      ...VALUES_OPTIONS,
      { name: 'cluster', description: 'also check the values against the cluster kubectl reaches: version, nodes, Pod Security labels, Secrets, StorageClass, IngressClass, NetworkPolicy API and a server-side dry-run of the render (creates nothing)' },
      { name: 'context', value: 'CONTEXT', description: 'with --cluster: the kubeconfig context (default: the current one)' },
      { name: 'kubeconfig', value: 'PATH', description: 'with --cluster: the kubeconfig file (default: kubectl\'s, KUBECONFIG or ~/.kube/config)' },
      { name: 'namespace', short: 'n', value: 'NAMESPACE', description: 'with --cluster: the namespace the release goes to (default retool)' },
      { name: 'release', value: 'NAME', description: 'with --cluster: the release name the render and dry-run use (default retool)' },
      { name: 'kubectl', value: 'PATH', description: 'with --cluster: the kubectl to run (default: RETOOL_CHART_KUBECTL, then kubectl on PATH)' },
      { name: 'database-url', value: 'URL', description: 'postgres://user:password@host:port/db of the storage database (needed when its password is a secretKeyRef, or to check from here)' },
      { name: 'retooldb-url', value: 'URL', description: 'the same for the Retool Database' },
      { name: 'no-database', description: 'connect to no database (the values-level and --cluster checks only)' },
      OUTPUT_JSON,
    ],
    examples: [
      'retool-chart doctor -f values.yaml',
      'retool-chart doctor -f values.yaml --cluster --context prod -n retool --no-database',
      'retool-chart doctor -f values.yaml --database-url postgres://retool:pw@db.internal:5432/retool --output json',
    ],
  },
  {
    name: 'explain',
    summary: 'the deployment the values describe: components, databases, Temporal, network edges, exposure',
    usage: 'retool-chart explain [-f values.yaml] [--set k=v] [--format text|mermaid|json]',
    options: [
      ...VALUES_OPTIONS,
      { name: 'format', value: 'FORMAT', choices: ['text', 'mermaid', 'json'], description: 'text (default), a Mermaid flowchart, or json' },
    ],
    examples: ['retool-chart explain -f values.yaml', 'retool-chart explain -f values.yaml --format mermaid > topology.mmd'],
  },
  {
    name: 'render',
    summary: 'validate, then `helm template` the chart with the values',
    usage: 'retool-chart render -f values.yaml [--helm 3|4] [--kube-version X] [--namespace N] [--release NAME]',
    options: [
      ...VALUES_OPTIONS,
      { name: 'helm', value: 'MAJOR', choices: ['3', '4'], description: 'render with the bundled Helm of this major (default: HELM_BIN, then helm on PATH, then the bundled 4)' },
      ...RENDER_TARGET_OPTIONS,
    ],
    examples: ['retool-chart render -f values.yaml > manifests.yaml', 'retool-chart render -f values.yaml --helm 3 --kube-version 1.31.0'],
  },
  {
    name: 'helm',
    summary: 'run Helm (HELM_BIN, PATH or the bundled one; named on stderr); exits with Helm\'s status',
    usage: 'retool-chart helm [--major 3|4] -- <helm arguments>',
    options: [{ name: 'major', value: 'MAJOR', choices: ['3', '4'], description: 'the bundled Helm of this major (default: HELM_BIN, then helm on PATH, then the bundled 4)' }],
    examples: ['retool-chart helm -- install retool charts/retool -f values.yaml', 'retool-chart helm -- test retool'],
    passThrough: true,
  },
  {
    name: 'package',
    summary: 'reproducible chart archive, index.yaml, the schema at its published URL, optionally a .prov signature',
    usage: 'retool-chart package [--out release] [--repo-url URL] [--merge index.yaml] [--sign --key NAME --keyring FILE]',
    options: [
      { name: 'out', value: 'DIR', description: 'output directory (default release)' },
      { name: 'repo-url', value: 'URL', description: 'http(s) URL the chart repository is served from (default from the project)' },
      { name: 'merge', value: 'FILE', description: 'existing index.yaml to merge into (default <out>/index.yaml when present)' },
      { name: 'chart', value: 'DIR', description: 'chart directory to package (default the generated charts/retool, refused when stale)' },
      { name: 'sign', description: 'write a .prov provenance file signed with GnuPG' },
      { name: 'key', value: 'NAME', description: 'user ID substring of the signing key (with --sign)' },
      { name: 'keyring', value: 'FILE', description: 'secret keyring (default ~/.gnupg/secring.gpg)' },
    ],
    examples: ['retool-chart package --out release --repo-url https://charts.example.com/retool', 'retool-chart package --sign --key "Release Signing" --keyring ./secring.gpg'],
  },
  {
    name: 'import',
    summary: 'values written for Retool\'s official chart -> an equivalent values file for this chart, with what was dropped',
    usage: 'retool-chart import -f official.yaml [-f more.yaml] [--set k=v] [-o our.values.yaml] [--release NAME] [-n NS] [--allow-dropped]',
    options: [
      // The official values are read from files, --set and --set-string (what importOfficial takes).
      ...VALUES_OPTIONS.filter((o) => ['values', 'set', 'set-string'].includes(o.name)),
      { name: 'output', short: 'o', value: 'FILE', description: 'where to write the values (default: print them)' },
      { name: 'release', value: 'NAME', description: 'release name, for the kubectl steps and name overrides' },
      { name: 'namespace', short: 'n', value: 'NAMESPACE', description: 'namespace, for the kubectl steps' },
      { name: 'allow-dropped', description: 'write the values even when a key that changes behaviour had to be dropped (else exit 5)' },
    ],
    examples: ['helm get values retool -o yaml > official.values.yaml', 'retool-chart import -f official.values.yaml --release retool -n retool -o retool.values.yaml'],
  },
  {
    name: 'diff',
    summary: 'what `helm upgrade` to the next values would create, delete, restart, refuse or risk (exit 6 when unsafe)',
    usage: 'retool-chart diff (--from-manifest current.yaml | --from-values current.yaml) -f next.yaml [--from-chart official] [--output json]',
    options: [
      ...VALUES_OPTIONS,
      { name: 'from-manifest', value: 'FILE', description: 'the release as deployed: helm get manifest RELEASE > FILE' },
      { name: 'from-values', value: 'FILE', repeat: true, description: 'or the current values of this chart (rendered here)' },
      { name: 'from-chart', value: 'CHART', choices: ['official', 'retool-chart'], description: 'official (Retool\'s chart; needs --from-manifest) or retool-chart (default)' },
      { name: 'helm', value: 'MAJOR', choices: ['3', '4'], description: 'bundled Helm major to render with (default 4)' },
      ...RENDER_TARGET_OPTIONS,
      OUTPUT_JSON,
    ],
    examples: ['helm get manifest retool > current.yaml', 'retool-chart diff --from-chart official --from-manifest current.yaml -f retool.values.yaml --release retool'],
  },
  {
    name: 'generate',
    summary: 'write charts/retool and src/generated from the schema (project maintainers)',
    usage: 'retool-chart generate [--check]',
    options: [
      { name: 'check', description: 'write nothing; exit 1 and name the files that differ' },
      { name: 'schema', value: 'FILE', description: 'schema to generate from (default schema/retool.schema.json)' },
      { name: 'out', value: 'DIR', description: 'project root to write into (default this project)' },
    ],
    examples: ['retool-chart generate', 'retool-chart generate --check'],
  },
  {
    name: 'start',
    summary: 'check the chart is current, render the evaluation example and summarise it',
    usage: 'retool-chart start',
    options: [],
    examples: ['npm start'],
  },
];

export function commandSpec(name: string): CommandSpec | undefined {
  return COMMAND_SPECS.find((c) => c.name === name);
}

export function argSpecOf(spec: CommandSpec): ArgSpec {
  const kind = (o: OptionSpec) => (!o.value ? 'booleans' : o.repeat ? 'lists' : 'strings');
  const out: Required<ArgSpec> = { booleans: [], strings: [], lists: [], aliases: {} };
  for (const option of spec.options) {
    out[kind(option)].push(option.name);
    if (option.short) out.aliases[option.short] = option.name;
  }
  return out;
}

/** Parses a command's arguments with its spec; choices are checked here so every command reports them alike. */
export function parseCommand(argv: string[], name: string): ParsedArgs {
  const spec = commandSpec(name);
  if (!spec) throw new Error(`no option spec for command ${name}`);
  const args = parseArgs(argv, argSpecOf(spec));
  for (const option of spec.options) {
    const value = args.strings[option.name];
    if (option.choices && value !== undefined && !option.choices.includes(value)) {
      throw new UsageError(`--${option.name} must be one of ${option.choices.join(', ')}, got "${value}"`);
    }
  }
  return args;
}

/** `--help` text: usage, summary, options, examples. */
export function formatHelp(spec: CommandSpec): string {
  const rows = spec.options.map((o) => [optionLabel(o), describe(o)]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    `Usage: ${spec.usage}`,
    '',
    `${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`,
    '',
    'Options:',
    ...rows.map(([label, text]) => `  ${label.padEnd(width)}  ${text}`),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

export function optionLabel(o: OptionSpec): string {
  const long = `--${o.name}${o.value ? ` ${o.value}` : ''}`;
  return o.short ? `-${o.short}, ${long}` : `    ${long}`;
}

export function describe(o: OptionSpec): string {
  return `${o.description}${o.repeat ? ' (repeatable)' : ''}${o.choices ? ` [${o.choices.join('|')}]` : ''}`;
}

/** The top-level usage: every command with its summary, global options and exit codes. */
export function formatUsage(): string {
  const width = Math.max(...COMMAND_SPECS.map((c) => c.name.length));
  return [
    'Usage: retool-chart <command> [options]      (retool-chart <command> --help for its options)',
    '',
    'Commands:',
    ...COMMAND_SPECS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options: -h, --help; --version',
    '',
    'Exit codes:',
    ...EXIT_CODES.map(([code, text]) => `  ${code}  ${text}`),
    '',
  ].join('\n');
}

/** README "CLI reference" section, from the same specs as `--help`. */
export function cliReferenceMarkdown(): string {
  const out = ['Every command takes `-h`/`--help`; `retool-chart --version` prints the version.', ''];
  out.push('| exit code | meaning |', '|---|---|', ...EXIT_CODES.map(([code, text]) => `| ${code} | ${text} |`), '');
  for (const spec of COMMAND_SPECS) {
    out.push(`### \`${spec.name}\``, '', `${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`, '', '```', spec.usage, '```', '');
    if (spec.options.length) {
      out.push('| option | description |', '|---|---|');
      for (const o of spec.options) out.push(`| \`${optionLabel(o).trim()}\` | ${describe(o).replace(/\|/g, '\\|')} |`);
      out.push('');
    }
    out.push('```sh', ...spec.examples, '```', '');
  }
  return out.join('\n').trimEnd();
}
