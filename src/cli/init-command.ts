import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { formatIssue } from '../issue.js';
import { PROJECT_ROOT } from '../io/project.js';
import { FORCE, refusalFor, writeOutputs, type OutputFile } from '../io/write-outputs.js';
import { BLOB_CHOICES, buildStarter, defaultAnswers, defaultBlobStorage, type StarterAnswers } from '../init/starter.js';
import type { JsonSchema } from '../schema/json-schema.js';
import { projectModel } from '../project-model.js';
import { UsageError } from './args.js';
import { selfCommand } from './invocation.js';
import { parseCommand, commandSpec } from './specs.js';
import { CHART_PATH } from './values-args.js';
import { validateSources } from '../validate/validate-values.js';

/** Asks one question; returns the answer or '' for the default. */
export type Ask = (question: string) => Promise<string>;

/**
 * `retool-chart init`: a commented starter values file that passes validate, and optionally a Secret
 * manifest with fresh keys. On a terminal it asks for what the flags leave open; otherwise flags and defaults.
 */
export async function initCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, 'init');
  const given: Partial<StarterAnswers> = {
    profile: args.strings.profile as StarterAnswers['profile'] | undefined,
    database: args.strings.database as StarterAnswers['database'] | undefined,
    temporal: args.strings.temporal as StarterAnswers['temporal'] | undefined,
    ingressHost: args.strings['ingress-host'],
    ingressTlsSecret: args.strings['ingress-tls-secret'],
    temporalTlsSecret: args.strings['temporal-mtls-secret'],
    ...(args.booleans['temporal-ca'] && { temporalTlsCa: true }),
    blobStorage: args.strings['blob-storage'] as StarterAnswers['blobStorage'] | undefined,
    blobBucket: args.strings['blob-bucket'],
    blobAccountUrl: args.strings['blob-account-url'],
  };
  const force = args.booleans.force === true;
  const out = args.strings.out ? resolve(args.strings.out) : undefined;
  // Everything the flags already decide is checked before the first question: no answer is asked for in vain.
  refuseContradictions(given, args.strings['secret-manifest']);
  for (const file of [out, args.strings['secret-manifest'] && resolve(args.strings['secret-manifest'])]) {
    const refusal = file && refusalFor(file, force ? FORCE : {});
    if (refusal) throw new UsageError(refusal);
  }
  const rules = answerRules(projectModel().schema);
  const flagRules = { 'ingress-host': rules.host, 'ingress-tls-secret': rules.secretName, 'temporal-mtls-secret': rules.secretName, 'blob-bucket': rules.bucket, 'blob-account-url': rules.accountUrl };
  for (const [name, value] of [['ingress-host', given.ingressHost], ['ingress-tls-secret', given.ingressTlsSecret], ['temporal-mtls-secret', given.temporalTlsSecret], ['blob-bucket', given.blobBucket], ['blob-account-url', given.blobAccountUrl]] as const) {
    const problem = value ? flagRules[name](value) : undefined;
    if (problem) throw new UsageError(`--${name}: ${problem}`);
  }

  let secretFile = args.strings['secret-manifest'];
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !args.booleans['no-input'];
  if (interactive) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    // The line iterator buffers: answers typed (or pasted) ahead of their question are not lost.
    const lines = rl[Symbol.asyncIterator]();
    try {
      const asked = await askAnswers(given, secretFile, async (q) => {
        process.stdout.write(q);
        const next = await lines.next();
        if (next.done) throw new UsageError('input ended before every question was answered (use flags and --no-input)');
        return next.value;
      }, { ...rules, file: (name) => refusalFor(resolve(name), force ? FORCE : {}) });
      Object.assign(given, asked.answers);
      secretFile = asked.secretFile;
    } finally {
      rl.close();
    }
  }
  const answers = defaultAnswers({ ...given, secretName: secretFile ? 'retool-secrets' : given.profile === 'production' ? 'retool-secrets' : undefined });
  if (answers.blobStorage !== 'embedded' && answers.blobStorage !== 'disabled' && !answers.blobBucket) {
    throw new UsageError(`--blob-storage ${answers.blobStorage} needs --blob-bucket NAME (the ${answers.blobStorage === 'azure' ? 'container' : 'bucket'} Retool keeps its objects in); nothing written`);
  }
  if (answers.blobStorage === 'azure' && !answers.blobAccountUrl) {
    throw new UsageError('--blob-storage azure needs --blob-account-url https://<account>.blob.core.windows.net; nothing written');
  }
  // The editor schema: made for the partial values files people write (see charts/retool/README.md).
  const schemaPath = out ? relative(dirname(out), join(CHART_PATH, 'values.editor.schema.json')) : undefined;
  const starter = buildStarter(projectModel().schema, answers, { schemaPath });

  // The file must pass validate before anything is written.
  const issues = validateStarter(starter.text);
  if (issues.length) {
    process.stderr.write(`${issues.map(formatIssue).join('\n')}\nthese answers do not make valid values (${issues.length} error(s)); nothing written\n`);
    return 1;
  }
  if (answers.profile === 'production' && !secretFile) {
    process.stderr.write(`note: the values read their secrets from Secret ${answers.secretName}; pass --secret-manifest FILE to have it written with fresh keys\n`);
  }
  if (answers.temporalTlsSecret) {
    process.stderr.write(`note: create Secret ${answers.temporalTlsSecret} with the Temporal client certificate before installing (README: "The Temporal mTLS Secret")\n`);
  }
  // Both files or neither: a secret manifest that cannot be written leaves no values file behind either.
  const outputs: OutputFile[] = [];
  if (out) outputs.push({ file: out, content: starter.text });
  if (secretFile && starter.secret) outputs.push({ file: resolve(secretFile), content: starter.secret, mode: 0o600 });
  writeOutputs(outputs, force ? FORCE : {});
  // Said once the files are written: a write that fails prints its one line and nothing else.
  if (answers.blobStorage === 'disabled') {
    process.stderr.write(`note: no blob storage: Retool 4.x keeps apps, Git repositories and sandbox snapshots in object storage (its app builder needs it); add it with --blob-storage s3|gcs|azure --blob-bucket NAME${answers.profile === 'evaluation' && !answers.secretName ? ' or embedded' : ''}\n`);
  }
  if (!out) {
    process.stdout.write(starter.text);
  } else {
    const shown = relative(process.cwd(), out);
    process.stderr.write(`wrote ${out}  (check it: ${selfCommand()} validate -f ${shown}; then ${selfCommand()} doctor -f ${shown})\n`);
  }
  if (secretFile && starter.secret) {
    process.stderr.write([
      `wrote ${resolve(secretFile)} (mode 600): Secret ${answers.secretName} with a fresh encryption-key and jwt-secret.`,
      '  Fill in the REPLACE-WITH-... values, apply it with kubectl apply -n <namespace> -f, then keep it out of git:',
      '  store the keys in your secret manager. Losing or changing encryption-key makes stored credentials unreadable.',
      '',
    ].join('\n'));
  }
  return 0;
}

/** Combinations of flags the schema refuses, said before any question is asked. */
function refuseContradictions(given: Partial<StarterAnswers>, secretFile: string | undefined): void {
  if (given.profile === 'production' && given.database === 'embedded') {
    throw new UsageError('--database embedded is for evaluation only: profile production needs an external storage database; nothing written');
  }
  if (given.blobStorage === 'embedded' && (given.profile === 'production' || secretFile)) {
    throw new UsageError(given.profile === 'production'
      ? '--blob-storage embedded is for evaluation only: profile production needs your own bucket (s3, gcs or azure); nothing written'
      : '--blob-storage embedded derives its keys from an inline encryptionKey, and --secret-manifest moves the keys into a Secret: pick s3, gcs or azure, or leave --secret-manifest out; nothing written');
  }
  if (given.blobBucket && (given.blobStorage === undefined || given.blobStorage === 'embedded' || given.blobStorage === 'disabled')) throw new UsageError('--blob-bucket needs --blob-storage s3, gcs or azure');
  if (given.blobAccountUrl && given.blobStorage !== 'azure') throw new UsageError('--blob-account-url applies to --blob-storage azure only');
  if (given.ingressTlsSecret && given.ingressHost === '') throw new UsageError('--ingress-tls-secret needs --ingress-host');
  if ((given.temporalTlsSecret || given.temporalTlsCa) && given.temporal !== undefined && given.temporal !== 'external') {
    throw new UsageError('--temporal-mtls-secret and --temporal-ca apply to --temporal external only');
  }
}


/** Checks of single answers, each returning what is wrong (or undefined): a wrong answer is asked again. */
export interface AnswerRules {
  host: (value: string) => string | undefined;
  secretName: (value: string) => string | undefined;
  bucket: (value: string) => string | undefined;
  accountUrl: (value: string) => string | undefined;
  /** A file to write: undefined when it may be written. */
  file?: (value: string) => string | undefined;
}

/** The schema's own host and object-name patterns, with its words for them. */
export function answerRules(schema: JsonSchema): AnswerRules {
  const rule = (definition: JsonSchema | undefined) => {
    const pattern = new RegExp(String(definition?.pattern ?? '.*'));
    return (value: string) => (pattern.test(value) ? undefined : String(definition?.patternErrorMessage ?? 'not accepted by the schema'));
  };
  const azure = (schema.properties?.blobStorage as JsonSchema | undefined)?.properties?.external?.properties?.azure?.properties;
  return {
    host: rule(schema.definitions?.Host),
    secretName: rule(schema.definitions?.ResourceName),
    bucket: rule(schema.definitions?.BucketName),
    accountUrl: rule(azure?.accountUrl),
  };
}

/** The questions a person is asked on a terminal, for what the flags left open. */
export async function askAnswers(given: Partial<StarterAnswers>, secretFile: string | undefined, ask: Ask, rules?: AnswerRules) {
  const spec = commandSpec('init')!;
  const choicesOf = (name: string) => spec.options.find((o) => o.name === name)!.choices!;
  const pick = async <T extends string>(question: string, choices: string[], fallback: T): Promise<T> => {
    for (;;) {
      const answer = (await ask(`${question} [${choices.join('/')}] (${fallback}): `)).trim().toLowerCase();
      if (!answer) return fallback;
      // An unambiguous prefix is enough ("prod" for production, "ext" for external).
      const matches = choices.filter((c) => c.toLowerCase() === answer || c.toLowerCase().startsWith(answer));
      const exact = matches.find((c) => c.toLowerCase() === answer);
      if (exact || matches.length === 1) return (exact ?? matches[0]) as T;
      process.stdout.write(`  please answer one of ${choices.join(', ')}${matches.length > 1 ? ` ("${answer}" could be ${matches.join(' or ')})` : ''}\n`);
    }
  };
  const text = async (question: string, check?: (value: string) => string | undefined): Promise<string> => {
    for (;;) {
      const answer = (await ask(question)).trim();
      const problem = answer && check ? check(answer) : undefined;
      if (!problem) return answer;
      process.stdout.write(`  ${problem}\n`);
    }
  };
  const yesNo = async (question: string, fallback: 'y' | 'n'): Promise<boolean> => {
    for (;;) {
      const answer = (await ask(`${question} [y/n] (${fallback}): `)).trim().toLowerCase() || fallback;
      if (/^y(es)?$/.test(answer)) return true;
      if (/^no?$/.test(answer)) return false;
      process.stdout.write('  please answer y or n\n');
    }
  };

  const answers: Partial<StarterAnswers> = { ...given };
  answers.profile ??= await pick('Profile', choicesOf('profile'), 'evaluation');
  if (answers.profile === 'production') {
    // The schema refuses an in-release database under production: nothing to choose, so nothing is offered.
    if (answers.database === undefined) process.stdout.write('Storage database: external (profile production runs on your own PostgreSQL)\n');
    answers.database = 'external';
  }
  answers.database ??= await pick('Storage database', choicesOf('database'), 'embedded');
  answers.temporal ??= await pick('Temporal for Workflows', choicesOf('temporal'), 'retoolManaged');
  if (answers.temporal === 'external' && answers.temporalTlsSecret === undefined) {
    answers.temporalTlsSecret = await text('Temporal mTLS: Secret with the client certificate (tls.crt, tls.key), empty for no mTLS: ', rules?.secretName);
    if (answers.temporalTlsSecret && answers.temporalTlsCa === undefined) answers.temporalTlsCa = await yesNo(`Does ${answers.temporalTlsSecret} also hold ca.crt, the CA of the Temporal frontend?`, 'n');
  }
  answers.ingressHost ??= await text('Ingress host name (empty: no Ingress, use port-forward): ', rules?.host);
  if (answers.ingressHost && answers.ingressTlsSecret === undefined) {
    answers.ingressTlsSecret = await text('Ingress TLS: existing kubernetes.io/tls Secret, empty for plain HTTP: ', rules?.secretName);
  }
  if (secretFile === undefined) {
    const yes = await yesNo('Write a Kubernetes Secret manifest with fresh encryptionKey/jwtSecret?', answers.profile === 'production' ? 'y' : 'n');
    if (yes) secretFile = await text('Secret manifest file (retool-secret.yaml): ', rules?.file) || 'retool-secret.yaml';
    if (secretFile && rules?.file?.(secretFile)) throw new UsageError(rules.file(secretFile)!);
  }
  // Asked last: whether the in-release store can be offered depends on where the keys live.
  if (answers.blobStorage === undefined) {
    const inlineKeys = answers.profile === 'evaluation' && !secretFile;
    const choices = BLOB_CHOICES.filter((c) => c !== 'embedded' || inlineKeys);
    answers.blobStorage = await pick('Blob storage (Retool 4.x keeps apps, Git repositories and sandbox snapshots there)', [...choices], defaultBlobStorage(answers.profile, inlineKeys ? undefined : 'secret'));
  }
  if (answers.blobStorage !== 'embedded' && answers.blobStorage !== 'disabled') {
    const what = answers.blobStorage === 'azure' ? 'container' : 'bucket';
    while (!answers.blobBucket) answers.blobBucket = await text(`Blob storage: the ${what} name: `, rules?.bucket);
    if (answers.blobStorage === 'azure') {
      while (!answers.blobAccountUrl) answers.blobAccountUrl = await text('Blob storage: the account URL (https://<account>.blob.core.windows.net): ', rules?.accountUrl);
    }
  }
  return { answers, secretFile };
}

function validateStarter(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'retool-chart-init-'));
  try {
    const file = join(dir, 'values.yaml');
    writeFileSync(file, text);
    const model = projectModel();
    return validateSources({ schema: model.schema, defaults: model.defaults, files: [file], defaultsFile: join(PROJECT_ROOT, 'charts/retool/values.yaml') }).issues
      .map((issue) => ({ ...issue, file: issue.file === file ? '<starter values>' : issue.file }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

