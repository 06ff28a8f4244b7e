// Differential fuzzing, part 2: the verdicts of `retool-chart validate`, Helm 3 and Helm 4 on each case, and
// for every case all three accept, the rendered manifests must be sound (no Go-template leftovers, parseable
// YAML, valid Kubernetes objects). Helm runs as separate processes, several at a time. With a `server` (the
// local control plane, FUZZ_SERVER=1), every accepted render is also sent to the API server as a server-side
// dry run (`kubectl apply --dry-run=server`): its validation and admission must accept every object.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { formatIssue } from '../../src/issue.js';
import { HELM_YAML_SCHEMA, unbox } from '../../src/validate/helm-yaml.js';
import { runHelmAsync, type HelmMajor } from '../../src/io/helm.js';
import type { ChartModel } from '../../src/model/chart-model.js';
import { validateSources } from '../../src/validate/validate-values.js';
import { loadEsmModels, validateK8sObject, objectLabel } from '../support/k8s-validate.js';
import { failOpenProblems, semanticProblems } from '../support/k8s-semantics.js';
import { CHART, NAMESPACE, RELEASE } from '../support/paths.js';
import { fixtureFile, type FuzzCase } from './cases.js';

export interface Verdicts {
  validate: boolean;
  helm3: boolean;
  helm4: boolean;
}

export interface CaseResult {
  fuzzCase: FuzzCase;
  verdicts: Verdicts;
  agree: boolean;
  /** A difference README "Guarantees" documents (the major validate follows, or why it refuses): its sentence. */
  documented?: string;
  /** Problems in manifests rendered from values all three accepted. */
  renderProblems: string[];
  /** What each side said, for the report. */
  detail: { validate: string; helm3: string; helm4: string };
}

/** Leftovers of Go templates printing a missing or nil value, or a wrong-typed format verb. */
const TEMPLATE_LEFTOVERS = ['%!', '<nil>', '<no value>'];

/** Problems of one rendered manifest stream: leftovers, YAML that does not parse, invalid Kubernetes objects. */
export function manifestProblems(text: string): string[] {
  const problems: string[] = [];
  for (const token of TEMPLATE_LEFTOVERS) {
    const at = text.indexOf(token);
    if (at >= 0) problems.push(`contains ${JSON.stringify(token)}: …${text.slice(Math.max(0, at - 60), at + 40).replace(/\n/g, '⏎')}…`);
  }
  let documents: unknown[];
  try {
    // As the API server reads YAML (sigs.k8s.io/yaml, YAML 1.1): `yes` is a boolean, a timestamp stays a string.
    documents = yaml.loadAll(text, undefined, { schema: HELM_YAML_SCHEMA, json: true }).map((doc) => unbox(doc, []));
  } catch (error) {
    return [...problems, `manifests do not parse: ${(error as Error).message.split('\n')[0]}`];
  }
  for (const document of documents) {
    if (document === null || document === undefined) continue;
    for (const problem of validateK8sObject(document)) problems.push(`${objectLabel(document as object)}: ${problem}`);
    // What the API server checks beyond structure (names, labels, references inside a pod, CIDRs).
    problems.push(...semanticProblems(document as Record<string, unknown>));
  }
  problems.push(...failOpenProblems(documents as Array<Record<string, unknown>>));
  return problems;
}

export interface HarnessOptions {
  model: ChartModel;
  /** Helm processes at a time; default: the number of CPUs. */
  jobs?: number;
  /** Checks an accepted render on a real API server; returns its refusal, or undefined when it accepted all. */
  server?: (manifests: string) => Promise<string | undefined>;
}

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function firstLines(text: string, count = 4): string {
  return text.trim().split('\n').slice(0, count).join(' | ');
}

/**
 * Verdict differences README "Guarantees" documents, by their sentence: validate refuses with the reason, or
 * follows the named Helm major. A case in one of them is reported apart, never as a disagreement.
 */
export const DOCUMENTED: Array<[string, (c: FuzzCase, v: Verdicts, said: { validate: string }) => boolean]> = [
  ['a __proto__ map key: validate refuses it (JavaScript reserves the name); both Helms accept it',
    (_c, v, said) => !v.validate && /a map key is __proto__/.test(said.validate)],
  ['a quoted "<<" key: Helm 3 validates it as a merge key (its schema check re-reads the values) but renders it as a key; validate checks the key, as Helm 4 does',
    (c, v) => v.validate === v.helm4 && v.helm3 !== v.helm4 && `${c.file ?? ''}${c.flag?.arg ?? ''}`.includes('"<<"')],
  ['an escaped U+FFFE/U+FFFF in a string: Helm 3 refuses it when it reads the values back, Helm 4 only where it reaches a manifest; validate refuses it, as Helm 3 does',
    (_c, v, said) => !v.validate && !v.helm3 && v.helm4 && /non-character U\+FFFE or U\+FFFF/.test(said.validate)],
];

/** Runs the cases; `onResult` sees each result as it completes (for progress output). */
export async function runCases(cases: readonly FuzzCase[], options: HarnessOptions, onResult?: (result: CaseResult) => void): Promise<CaseResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'retool-fuzz-'));
  const jobs = options.jobs ?? Math.max(1, cpus().length);
  try {
    // Two helm processes per case; run cases with half the job budget each so `jobs` helm processes are in flight.
    return await pool(cases, Math.max(1, Math.ceil(jobs / 2)), async (fuzzCase) => {
      const result = await runCase(fuzzCase, options.model, dir, fixtureFile(fuzzCase.base), options.server);
      onResult?.(result);
      return result;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runCase(fuzzCase: FuzzCase, model: ChartModel, dir: string, base = fixtureFile(fuzzCase.base),
  server?: HarnessOptions['server']): Promise<CaseResult> {
  await loadEsmModels();
  const files = [base];
  if (fuzzCase.file !== undefined) {
    const file = join(dir, `case-${fuzzCase.id}-${Math.random().toString(36).slice(2)}.yaml`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, fuzzCase.file);
    files.push(file);
  }
  const flag = fuzzCase.flag;
  const checked = validateSources({
    schema: model.schema,
    defaults: model.defaults,
    files,
    sets: flag?.name === '--set' ? [flag.arg] : [],
    setStrings: flag?.name === '--set-string' ? [flag.arg] : [],
    setJsons: flag?.name === '--set-json' ? [flag.arg] : [],
  });
  const args = ['template', RELEASE, CHART, '--namespace', NAMESPACE, ...files.flatMap((f) => ['-f', f]), ...(flag ? [flag.name, flag.arg] : [])];
  const [helm3, helm4] = await Promise.all(([3, 4] as HelmMajor[]).map((major) => runHelmAsync(args, { major })));
  const verdicts: Verdicts = { validate: checked.issues.length === 0, helm3: helm3.status === 0, helm4: helm4.status === 0 };
  const agree = verdicts.validate === verdicts.helm3 && verdicts.helm3 === verdicts.helm4;
  const said = { validate: checked.issues.map((i) => i.message).join('\n') };
  const documented = agree ? undefined : DOCUMENTED.find(([, applies]) => applies(fuzzCase, verdicts, said))?.[0];
  const renderProblems: string[] = [];
  if (verdicts.helm3) renderProblems.push(...manifestProblems(helm3.stdout).map((p) => `helm 3: ${p}`));
  if (verdicts.helm4) renderProblems.push(...manifestProblems(helm4.stdout).map((p) => `helm 4: ${p}`));
  if (server && agree && verdicts.helm4) {
    const refusal = await server(helm4.stdout);
    if (refusal) renderProblems.push(`API server: ${refusal}`);
  }
  return {
    fuzzCase,
    verdicts,
    agree,
    documented,
    renderProblems,
    detail: {
      validate: checked.issues.length ? firstLines(checked.issues.map(formatIssue).join('\n'), 3) : 'accepted',
      helm3: helm3.status === 0 ? 'accepted' : firstLines(helm3.stderr),
      helm4: helm4.status === 0 ? 'accepted' : firstLines(helm4.stderr),
    },
  };
}

/** Secrets only: the smallest values file the chart accepts, to shrink a reproducer onto. */
export const MINIMAL_BASE = 'retool:\n  licenseKey: license\n  encryptionKey: encryption\n  jwtSecret: jwt\n';

/**
 * A failing result as a reproducer: when the same mutation fails the same way on the secrets-only values,
 * that smaller values file is shown instead of the fixture.
 */
export async function reproducer(result: CaseResult, model: ChartModel): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'retool-fuzz-repro-'));
  try {
    const minimal = join(dir, 'minimal.values.yaml');
    writeFileSync(minimal, MINIMAL_BASE);
    const again = await runCase(result.fuzzCase, model, dir, minimal);
    const sameFailure = again.agree === result.agree && (again.renderProblems.length > 0) === (result.renderProblems.length > 0);
    const c = result.fuzzCase;
    const shown = sameFailure ? again : result;
    const baseText = sameFailure ? `minimal.values.yaml:\n${indent(MINIMAL_BASE)}` : `test/fixtures/${c.base}.values.yaml`;
    const mutation = c.file !== undefined ? `mutation.values.yaml:\n${indent(c.file)}` : `${c.flag!.name} '${c.flag!.arg}'`;
    const command = `helm template ${RELEASE} charts/retool -f ${sameFailure ? 'minimal.values.yaml' : `test/fixtures/${c.base}.values.yaml`}${c.file !== undefined ? ' -f mutation.values.yaml' : ` ${c.flag!.name} '${c.flag!.arg}'`}`;
    return [
      `case ${c.id} (${c.kind} at ${c.path.join('.')}, via ${c.channel}): validate ${word(shown.verdicts.validate)}, helm 3 ${word(shown.verdicts.helm3)}, helm 4 ${word(shown.verdicts.helm4)}`,
      baseText,
      mutation,
      `  $ ${command}`,
      `  validate: ${shown.detail.validate}`,
      `  helm 3:   ${shown.detail.helm3}`,
      `  helm 4:   ${shown.detail.helm4}`,
      ...shown.renderProblems.slice(0, 5).map((p) => `  render:   ${p}`),
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const word = (accepted: boolean) => (accepted ? 'accepts' : 'refuses');
const indent = (text: string) => text.trimEnd().split('\n').map((line) => `    ${line}`).join('\n');

export interface Summary {
  cases: number;
  agreed: number;
  /** Differences of a DOCUMENTED class. */
  documented: number;
  accepted: number;
  renderFailures: number;
  seconds: number;
}

export function summarize(results: readonly CaseResult[], seconds: number): Summary {
  return {
    cases: results.length,
    agreed: results.filter((r) => r.agree).length,
    documented: results.filter((r) => r.documented).length,
    accepted: results.filter((r) => r.agree && r.verdicts.validate).length,
    renderFailures: results.filter((r) => r.renderProblems.length > 0 && !r.documented).length,
    seconds,
  };
}

export function formatSummary(summary: Summary): string {
  const pct = summary.cases ? ((100 * summary.agreed) / summary.cases).toFixed(2) : '100.00';
  const withDocumented = summary.cases ? ((100 * (summary.agreed + summary.documented)) / summary.cases).toFixed(2) : '100.00';
  return `${summary.cases} cases, agreement ${summary.agreed}/${summary.cases} (${pct} %; ${withDocumented} % with ${summary.documented} documented differences), ${summary.accepted} accepted by all three, ` +
    `${summary.renderFailures} with render problems, ${summary.seconds.toFixed(1)} s, ${(summary.cases / summary.seconds).toFixed(2)} cases/s`;
}
