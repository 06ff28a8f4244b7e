import { join } from 'node:path';
import yaml from 'js-yaml';
import type { HelmMajor } from '../../src/io/helm.js';
import { helmAll, helmCached } from './helm-cache.js';
import { CHART, FIXTURES, NAMESPACE, RELEASE } from './paths.js';
import { jobTemplateJobs } from '../../src/preflight/job-templates.js';

export const MAJORS: HelmMajor[] = [4, 3];

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

/** The `helm template` arguments of one valid fixture. */
function fixtureArgs(name: string, extraArgs: string[]): string[] {
  return ['template', RELEASE, CHART, '--namespace', NAMESPACE, '-f', join(FIXTURES, `${name}.values.yaml`), ...extraArgs];
}

/** `helm template` of one valid fixture with the given Helm major; rendered once per run (support/helm-cache.ts). */
export function renderFixture(name: string, major: HelmMajor, extraArgs: string[] = []): string {
  const result = helmCached(fixtureArgs(name, extraArgs), major);
  if (result.status !== 0) throw new Error(`helm ${major} template ${name} failed:\n${result.stderr}`);
  return result.stdout;
}

/** Renders fixtures × majors side by side, so the renderFixture calls that follow find them done. */
export async function renderFixtures(names: readonly string[], majors: readonly HelmMajor[] = MAJORS, extraArgs: string[] = []): Promise<void> {
  await helmAll(names.flatMap((name) => majors.map((major) => ({ args: fixtureArgs(name, extraArgs), major }))));
}

const parsed = new Map<string, K8sObject[]>();

/**
 * The documents of a manifest stream. Parsed once per distinct text (a fixture's Helm 3 and Helm 4 renders are
 * the same text); each call gets its own copy, so a test may change what it got without the next one seeing it.
 */
export function parseManifests(text: string): K8sObject[] {
  let objects = parsed.get(text);
  if (!objects) {
    objects = yaml.loadAll(text).filter((doc): doc is K8sObject => doc !== null && typeof doc === 'object');
    parsed.set(text, objects);
  }
  return structuredClone(objects);
}

/** The Job of every job template the render holds (x-retool-component jobTemplate), checked like any workload. */
export const jobTemplates = (objects: K8sObject[]): K8sObject[] => jobTemplateJobs(objects) as K8sObject[];

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
