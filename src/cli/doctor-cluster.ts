import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { findHelm } from '../io/helm.js';
import { fetchClusterFacts, findKubectl, serverVersion, type KubectlTarget } from '../io/kubectl.js';
import { ToolError } from '../io/tool-error.js';
import type { ChartModel } from '../model/chart-model.js';
import { checkCluster, checkServerVersion, parseKubeVersion, secretReferences, type K8sObject } from '../preflight/cluster-doctor.js';
import type { Issue } from '../issue.js';
import { finding } from '../preflight/finding.js';
import { renderChart } from '../render/render.js';
import type { ParsedArgs } from './args.js';
import { progress } from './style.js';
import { CHART_PATH, valuesSourcesOf } from './values-args.js';

/** Options that only mean something with --cluster. */
export const CLUSTER_ONLY = ['context', 'kubeconfig', 'kubectl', 'namespace', 'release'];

/**
 * `doctor --cluster`: reads the cluster (kubectl), renders the chart for its version and the namespace, and
 * checks the one against the other; read-only (gets and a server-side dry-run). An unreachable cluster or a
 * missing kubectl is a ToolError (exit 3).
 */
export function clusterFindings(args: ParsedArgs, values: Record<string, any>, model: ChartModel): Issue[] {
  const target: KubectlTarget = {
    bin: findKubectl(args.strings.kubectl),
    context: args.strings.context,
    kubeconfig: args.strings.kubeconfig,
    namespace: args.strings.namespace ?? 'retool',
  };
  progress(`reading the cluster${target.context ? ` of context ${target.context}` : ''}`);
  const version = serverVersion(target);
  const chartKubeVersion = String((yaml.load(readFileSync(join(CHART_PATH, 'Chart.yaml'), 'utf8')) as { kubeVersion?: string }).kubeVersion ?? '');
  const arch = String((model.schema.properties?.podDefaults?.properties?.nodeSelector?.default as Record<string, unknown> | undefined)?.['kubernetes.io/arch'] ?? 'amd64');
  const server = parseKubeVersion(version.gitVersion);

  let manifests: string;
  try {
    manifests = renderChart({
      chartDir: CHART_PATH, ...valuesSourcesOf(args), bin: findHelm().bin,
      namespace: target.namespace, release: args.strings.release, kubeVersion: server?.join('.'),
    });
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    return [
      ...checkServerVersion({ version }, { values, components: model.components, chartKubeVersion }),
      finding('doctor.render', 'fail', 'render', `the chart does not render for this cluster: ${error.message.split('\n').slice(1).join(' ').trim() || error.message}`, 'fix what Helm names; the checks that need the render did not run'),
    ];
  }
  const objects = (yaml.loadAll(manifests) as K8sObject[]).filter((o) => o && typeof o === 'object' && o.kind);
  const refs = secretReferences(values, objects);
  progress(`checking ${objects.length} objects against the cluster (${target.namespace}); server-side dry-run`);
  const facts = fetchClusterFacts(target, { version, secretNames: refs.map((r) => r.secret), manifests: dryRunManifests(objects) });
  const offers = Object.fromEntries(model.nodeDaemonSets.flatMap((d) => (d.devices ? [[d.devices.resource, { name: d.name, values: d.values }]] : [])));
  return checkCluster(facts, { namespace: target.namespace, values, objects, components: model.components, chartKubeVersion, arch, offers });
}

/**
 * The render as the dry-run sends it. A dry run stores nothing, so a Pod of the render (the `helm test` Pod)
 * naming the release's own ServiceAccount would be refused for a ServiceAccount that does not exist yet; it
 * is sent with the namespace's `default` one instead, so that the rest of admission (Pod Security) still
 * judges it.
 */
export function dryRunManifests(objects: K8sObject[]): string {
  const accounts = new Set(objects.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name));
  return objects.map((o) => {
    if (o.kind !== 'Pod' || !accounts.has(o.spec?.serviceAccountName)) return yaml.dump(o, { noRefs: true });
    return yaml.dump({ ...o, spec: { ...o.spec, serviceAccountName: 'default' } }, { noRefs: true });
  }).join('---\n');
}
