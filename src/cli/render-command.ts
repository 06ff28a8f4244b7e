import { formatIssue } from '../issue.js';
import { renderChart } from '../render/render.js';
import { parseArgs } from './args.js';
import { parseMajor } from './helm-command.js';
import { CHART_PATH, checkValues, VALUES_ARG_SPEC } from './values-args.js';

/** `retool-chart render -f values.yaml [--helm 3|4] [--kube-version X]`: validate first, then helm template. */
export async function renderCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, VALUES_ARG_SPEC);
  const major = parseMajor(args.strings.helm ?? '4');
  const { issues } = checkValues(args);
  if (issues.length) {
    process.stderr.write(`${issues.map(formatIssue).join('\n')}\n${issues.length} error(s); nothing rendered\n`);
    return 1;
  }
  process.stdout.write(renderChart({
    chartDir: CHART_PATH,
    valuesFiles: args.lists.values,
    sets: args.lists.set,
    setStrings: args.lists['set-string'],
    major,
    kubeVersion: args.strings['kube-version'],
    namespace: args.strings.namespace,
    release: args.strings.release,
  }));
  return 0;
}
