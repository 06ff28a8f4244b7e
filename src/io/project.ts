import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Publishing facts about this project (package.json `repository`, `homepage`, `retoolChart`), read at the edge. */
export interface ProjectInfo {
  /** Web URL of the source repository, e.g. https://github.com/org/retool-chart. */
  sourceUrl: string;
  homepage: string;
  license: string;
  /** Default URL the chart repository is served from (`package --repo-url` overrides it). */
  chartRepoUrl: string;
  /**
   * The oldest Kubernetes the chart supports (X.Y.Z): Chart.yaml's kubeVersion floor. The suite renders and
   * validates every fixture for it (test/k8s-validity.test.ts's oldest target) and proves older ones refused.
   */
  minKubernetes: string;
  icon: string;
  maintainers: Array<{ name: string; email?: string; url?: string }>;
  /** CHANGELOG.md text (Keep a Changelog layout). */
  changelog: string;
}

/** The project root: the nearest ancestor of this file with a package.json. */
export const PROJECT_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above src/io');
    dir = parent;
  }
  return dir;
})();

export const SCHEMA_FILE = join(PROJECT_ROOT, 'schema/retool.schema.json');

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Project files the generated chart carries or is described by (read here, passed to the pure emitters). */
export interface ProjectFiles {
  info: ProjectInfo;
  /** The project's LICENSE text, shipped in the chart. */
  license: string;
  /** examples/<name>.values.yaml contents by name: the chart's ci/<name>-values.yaml. */
  examples: Map<string, string>;
}

interface PackageJson {
  license: string;
  homepage: string;
  repository: { url: string };
  retoolChart: { chartRepository: string; minKubernetes: string; icon: string; maintainers: ProjectInfo['maintainers'] };
}

export function readProjectFiles(root: string): ProjectFiles {
  const examplesDir = join(root, 'examples');
  const examples = new Map(
    readdirSync(examplesDir).filter((f) => f.endsWith('.values.yaml')).sort()
      .map((f) => [f.replace(/\.values\.yaml$/, ''), readFileSync(join(examplesDir, f), 'utf8')] as const),
  );
  return { info: readProjectInfo(root), license: readFileSync(join(root, 'LICENSE'), 'utf8'), examples };
}

/** The publishing facts alone: package.json and CHANGELOG.md, both in the installed package too. */
export function readProjectInfo(root: string): ProjectInfo {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  return {
    sourceUrl: pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, ''),
    homepage: pkg.homepage,
    license: pkg.license,
    chartRepoUrl: pkg.retoolChart.chartRepository,
    minKubernetes: pkg.retoolChart.minKubernetes,
    icon: pkg.retoolChart.icon,
    maintainers: pkg.retoolChart.maintainers,
    changelog: readFileSync(join(root, 'CHANGELOG.md'), 'utf8'),
  };
}
