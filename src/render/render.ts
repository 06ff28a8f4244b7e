import { runHelm, type HelmMajor } from '../io/helm.js';
import { ToolError } from '../io/tool-error.js';

export interface RenderOptions {
  chartDir: string;
  valuesFiles: string[];
  sets?: string[];
  setStrings?: string[];
  setJsons?: string[];
  setFiles?: string[];
  setLiterals?: string[];
  major?: HelmMajor;
  /** A helm binary to run instead of the bundled `major`. */
  bin?: string;
  kubeVersion?: string;
  namespace?: string;
  release?: string;
}

/** `helm template` of the generated chart; throws with Helm's own message when it refuses. */
export function renderChart(options: RenderOptions): string {
  const args = ['template', options.release ?? 'retool', options.chartDir, '--namespace', options.namespace ?? 'retool'];
  for (const file of options.valuesFiles) args.push('-f', file);
  for (const set of options.sets ?? []) args.push('--set', set);
  for (const set of options.setStrings ?? []) args.push('--set-string', set);
  for (const set of options.setJsons ?? []) args.push('--set-json', set);
  for (const set of options.setFiles ?? []) args.push('--set-file', set);
  for (const set of options.setLiterals ?? []) args.push('--set-literal', set);
  if (options.kubeVersion) args.push('--kube-version', options.kubeVersion);
  const result = runHelm(args, options.bin ? { bin: options.bin } : { major: options.major ?? 4 });
  if (result.status !== 0) throw new ToolError(`${options.bin ?? `helm ${options.major ?? 4}`} template failed:\n${result.stderr.trim()}`);
  return result.stdout;
}
