import { join } from 'node:path';
import yaml from 'js-yaml';
import { runHelm, type HelmMajor } from '../../src/io/helm.js';
import { CHART, FIXTURES, NAMESPACE, RELEASE } from './paths.js';

export const MAJORS: HelmMajor[] = [4, 3];

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

const cache = new Map<string, string>();

/** `helm template` of one valid fixture with the given Helm major; cached per process. */
export function renderFixture(name: string, major: HelmMajor, extraArgs: string[] = []): string {
  const key = `${name}|${major}|${extraArgs.join(' ')}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = runHelm(['template', RELEASE, CHART, '--namespace', NAMESPACE, '-f', join(FIXTURES, `${name}.values.yaml`), ...extraArgs], { major });
  if (result.status !== 0) throw new Error(`helm ${major} template ${name} failed:\n${result.stderr}`);
  cache.set(key, result.stdout);
  return result.stdout;
}

export function parseManifests(text: string): K8sObject[] {
  return yaml.loadAll(text).filter((doc): doc is K8sObject => doc !== null && typeof doc === 'object');
}

export function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function find(objects: K8sObject[], kind: string, nameSuffix: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name.endsWith(nameSuffix));
}

/** Every container (init containers included) of every pod template, with its owner. */
export function containers(objects: K8sObject[]): Array<{ owner: K8sObject; container: any }> {
  return objects.flatMap((owner) => {
    const spec = owner.spec?.template?.spec;
    if (!spec) return [];
    return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((container: any) => ({ owner, container }));
  });
}

export function envOf(container: any): Map<string, any> {
  return new Map((container.env ?? []).map((e: any) => [e.name, e]));
}
