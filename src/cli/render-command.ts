import { formatIssue } from '../issue.js';
import { renderChart } from '../render/render.js';
import { describeHelm, parseMajor } from './helm-command.js';
import { findHelm } from '../io/helm.js';
import { parseCommand } from './specs.js';
import { progress } from './style.js';
import { CHART_PATH, checkValues, valuesSourcesOf } from './values-args.js';

/** `retool-chart render -f values.yaml [--helm 3|4] [--kube-version X]`: validate first, then helm template. */
export async function renderCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, 'render');
  const major = args.strings.helm ? parseMajor(args.strings.helm) : undefined;
  const { issues } = await checkValues(args);
  if (issues.length) {
    process.stderr.write(`${issues.map(formatIssue).join('\n')}\n${issues.length} error(s); nothing rendered\n`);
    return 1;
  }
  // No --helm: the user's helm (HELM_BIN, PATH) before the bundled ones; a stderr line says which ran.
  const found = major ? undefined : findHelm();
  progress(`rendering with ${found ? describeHelm(found) : `the bundled helm ${major}`}`);
  const manifests = renderChart({
    chartDir: CHART_PATH,
    ...valuesSourcesOf(args),
    ...(major ? { major } : { bin: found!.bin }),
    kubeVersion: args.strings['kube-version'],
    namespace: args.strings.namespace,
    release: args.strings.release,
  });
  process.stdout.write(manifests);
  if (found) process.stderr.write(`retool-chart: rendered with ${describeHelm(found)}\n`);
  return 0;
}
