import { formatIssue, IssuesError } from '../issue.js';
import { renderChart } from '../render/render.js';
import { formatUpgradeReport } from '../upgrade/format-report.js';
import { diffManifests } from '../upgrade/manifest-diff.js';
import { releaseFacts } from '../schema/releases.js';
import { projectModel } from '../project-model.js';
import { loadManifestFile, parseManifestText } from '../upgrade/load-manifests.js';
import { UsageError, type ParsedArgs } from './args.js';
import { EXIT, parseCommand } from './specs.js';
import { parseMajor } from './helm-command.js';
import { CHART_PATH, checkValues, valuesSourcesOf } from './values-args.js';


/**
 * `retool-chart diff (--from-manifest current.yaml | --from-values current.values.yaml) -f next.values.yaml`:
 * what `helm upgrade` to the next values would do, object by object, and whether it is safe.
 */
export async function diffCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, 'diff');
  const fromChart = args.strings['from-chart'] ?? 'retool-chart';
  const manifest = args.strings['from-manifest'];
  const fromValues = args.lists['from-values'];
  if (!manifest && !fromValues.length) throw new UsageError('give the current state: --from-manifest FILE (helm get manifest RELEASE > FILE) or --from-values FILE');
  if (manifest && fromValues.length) throw new UsageError('give either --from-manifest or --from-values, not both');
  if (fromChart === 'official' && !manifest) throw new UsageError('the official chart is not rendered here: pass its manifests, helm get manifest RELEASE > current.yaml, as --from-manifest current.yaml');

  const noSets = { set: [], 'set-string': [], 'set-json': [], 'set-file': [], 'set-literal': [] };
  const before = manifest ? loadManifestFile(manifest) : await render({ ...args, lists: { ...args.lists, ...noSets, values: fromValues } });
  const after = await render(args);
  const report = diffManifests(before, after, releaseFacts(projectModel().schema));
  // JSON: the report as data; each refusal and risk an Issue with its code (diff.*), for CI gates.
  process.stdout.write(args.strings.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatUpgradeReport(report));
  return report.safe ? EXIT.ok : EXIT.diffUnsafe;
}

/** Validates and renders the values of `args` (its values files and the whole --set family). */
async function render(args: ParsedArgs) {
  const { issues } = await checkValues(args);
  if (issues.length) throw new IssuesError(issues, `${issues.map(formatIssue).join('\n')}`);
  const files = args.lists.values;
  const text = renderChart({
    chartDir: CHART_PATH,
    ...valuesSourcesOf(args),
    major: parseMajor(args.strings.helm ?? '4'),
    kubeVersion: args.strings['kube-version'],
    namespace: args.strings.namespace,
    release: args.strings.release,
  });
  return parseManifestText(text, files.join(', ') || 'chart defaults');
}
