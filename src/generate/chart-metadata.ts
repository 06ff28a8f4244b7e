import yaml from 'js-yaml';
import { inputIssue, issueAt, IssuesError } from '../issue.js';
import { isObject } from '../schema/json-schema.js';
import type { ChartModel } from '../model/chart-model.js';
import type { ProjectInfo } from '../io/project.js';

/** What Chart.yaml.hbs needs beyond the model; annotation values are YAML documents (Artifact Hub's format). */
export interface ChartMetadata {
  home: string;
  /** Chart.yaml kubeVersion, e.g. ">=1.29.0-0" (the -0 admits the pre-release suffixes of managed clusters' versions). */
  kubeVersion: string;
  sources: string[];
  icon: string;
  license: string;
  maintainers: ProjectInfo['maintainers'];
  annotations: { images: string; changes: string; links: string };
}

const CHANGE_KINDS = ['added', 'changed', 'deprecated', 'removed', 'fixed', 'security'] as const;

export function chartMetadata(model: ChartModel, project: ProjectInfo): ChartMetadata {
  const dump = (value: unknown) => yaml.dump(value, { lineWidth: -1, quotingType: '"' });
  if (!/^\d+\.\d+\.\d+$/.test(project.minKubernetes ?? '')) {
    throw new IssuesError([issueAt('project.package-json', { path: 'retoolChart.minKubernetes', pointer: '/retoolChart/minKubernetes' }, `must be a Kubernetes version X.Y.Z, got ${JSON.stringify(project.minKubernetes)}`, { file: 'package.json' })], 'package.json: retoolChart.minKubernetes is not a version');
  }
  return {
    home: project.homepage,
    kubeVersion: `>=${project.minKubernetes}-0`,
    sources: [project.sourceUrl],
    icon: project.icon,
    license: project.license,
    maintainers: project.maintainers,
    annotations: {
      images: dump(defaultImages(model.defaults)),
      changes: dump(changelogSection(project.changelog, model.chartVersion)),
      links: dump([
        { name: 'Chart source', url: project.sourceUrl },
        { name: 'Values schema', url: schemaUrl(project.chartRepoUrl, model.chartVersion) },
        { name: 'Retool self-hosted documentation', url: 'https://docs.retool.com/self-hosted' },
      ]),
    },
  };
}

/** Where `package` publishes a schema of one chart version (or `latest`): values.schema.json or the editor schema. */
export function schemaUrl(repoUrl: string, version: string, file = 'values.schema.json'): string {
  return `${repoUrl.replace(/\/+$/, '')}/schema/${version}/${file}`;
}

/**
 * Every image of the default `images` values, as Artifact Hub lists them (and scans them): the registry
 * prefix, the digest when pinned, and `<version>-<channel>` for an empty tag, exactly as the templates resolve it.
 */
export function defaultImages(defaults: Record<string, unknown>): Array<{ name: string; image: string }> {
  const images = defaults.images as Record<string, unknown>;
  const retool = defaults.retool as { version: string; channel: string };
  const registry = typeof images.registry === 'string' && images.registry ? `${images.registry}/` : '';
  return Object.entries(images)
    .filter((entry): entry is [string, { repository: string; tag?: string; digest?: string }] => isObject(entry[1]) && typeof entry[1].repository === 'string')
    .map(([name, image]) => {
      const ref = image.digest ? `@${image.digest}` : `:${image.tag || `${retool.version}-${retool.channel}`}`;
      return { name, image: `${registry}${image.repository}${ref}` };
    });
}

/**
 * The `## [version]` section of a Keep a Changelog file as Artifact Hub changes: each bullet under a
 * `### Added|Changed|Deprecated|Removed|Fixed|Security` heading. A version without a section is an error,
 * so a release never ships without its notes.
 */
export function changelogSection(changelog: string, version: string): Array<{ kind: string; description: string }> {
  const lines = changelog.split('\n');
  const heading = new RegExp(`^## \\[?${version.replace(/\./g, '\\.')}\\]?(\\s|$)`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) throw new IssuesError([inputIssue('project.changelog', `no "## [${version}]" section for the chart version`, { file: 'CHANGELOG.md' })], 'CHANGELOG.md has no notes for this version');
  const changes: Array<{ kind: string; description: string }> = [];
  let kind: string | undefined;
  for (let i = start + 1; i < lines.length && !/^## /.test(lines[i]); i++) {
    const line = lines[i];
    const sub = /^### +(\w+)/.exec(line);
    if (sub) {
      kind = sub[1].toLowerCase();
      if (!(CHANGE_KINDS as readonly string[]).includes(kind)) {
        throw new IssuesError([inputIssue('project.changelog', `"### ${sub[1]}" is not one of ${CHANGE_KINDS.join(', ')}`, { file: 'CHANGELOG.md', line: i + 1 })], 'CHANGELOG.md');
      }
      continue;
    }
    const bullet = /^[-*] +(.*)$/.exec(line);
    if (bullet && kind) changes.push({ kind, description: bullet[1].trim() });
    else if (/^ {2,}\S/.test(line) && changes.length) changes[changes.length - 1].description += ` ${line.trim()}`;
  }
  return changes;
}
