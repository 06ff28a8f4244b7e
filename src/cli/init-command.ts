import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { formatIssue } from '../issue.js';
import { PROJECT_ROOT } from '../io/project.js';
import { buildStarter, defaultAnswers, type StarterAnswers } from '../init/starter.js';
import { projectModel } from '../project-model.js';
import { UsageError } from './args.js';
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
  };
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
      });
      Object.assign(given, asked.answers);
      secretFile = asked.secretFile;
    } finally {
      rl.close();
    }
  }
  const answers = defaultAnswers({ ...given, secretName: secretFile ? 'retool-secrets' : given.profile === 'production' ? 'retool-secrets' : undefined });
  const out = args.strings.out ? resolve(args.strings.out) : undefined;
  for (const file of [out, secretFile && resolve(secretFile)]) {
    if (file && existsSync(file) && !args.booleans.force) throw new UsageError(`${file} exists; pass --force to overwrite it`);
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
  if (!out) {
    process.stdout.write(starter.text);
  } else {
    writeAtomically(out, starter.text);
    process.stderr.write(`wrote ${out}  (check it: retool-chart validate -f ${relative(process.cwd(), out)}; then retool-chart doctor -f ${relative(process.cwd(), out)})\n`);
  }
  if (secretFile && starter.secret) {
    writeAtomically(resolve(secretFile), starter.secret, 0o600);
    process.stderr.write([
      `wrote ${resolve(secretFile)} (mode 600): Secret ${answers.secretName} with a fresh encryption-key and jwt-secret.`,
      '  Fill in the REPLACE-WITH-... values, apply it with kubectl apply -n <namespace> -f, then keep it out of git:',
      '  store the keys in your secret manager. Losing or changing encryption-key makes stored credentials unreadable.',
      '',
    ].join('\n'));
  }
  return 0;
}

/** The questions a person is asked on a terminal, for what the flags left open. */
export async function askAnswers(given: Partial<StarterAnswers>, secretFile: string | undefined, ask: Ask) {
  const spec = commandSpec('init')!;
  const choices = (name: string) => spec.options.find((o) => o.name === name)!.choices!;
  const pick = async <T extends string>(name: string, question: string, fallback: T): Promise<T> => {
    for (;;) {
      const answer = (await ask(`${question} [${choices(name).join('/')}] (${fallback}): `)).trim();
      if (!answer) return fallback;
      if (choices(name).includes(answer)) return answer as T;
      process.stdout.write(`  please answer one of ${choices(name).join(', ')}\n`);
    }
  };
  const answers: Partial<StarterAnswers> = { ...given };
  answers.profile ??= await pick('profile', 'Profile', 'evaluation');
  answers.database ??= await pick('database', 'Storage database', answers.profile === 'production' ? 'external' : 'embedded');
  answers.temporal ??= await pick('temporal', 'Temporal for Workflows', 'retoolManaged');
  answers.ingressHost ??= (await ask('Ingress host name (empty: no Ingress, use port-forward): ')).trim();
  if (secretFile === undefined) {
    const fallback = answers.profile === 'production' ? 'y' : 'n';
    const yes = ((await ask(`Write a Kubernetes Secret manifest with fresh encryptionKey/jwtSecret? [y/n] (${fallback}): `)).trim() || fallback).toLowerCase().startsWith('y');
    if (yes) secretFile = (await ask('Secret manifest file (retool-secret.yaml): ')).trim() || 'retool-secret.yaml';
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

/** Temp file + rename: a failure never leaves a half-written file. */
function writeAtomically(file: string, content: string, mode = 0o644): void {
  const temp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, content, { mode });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
