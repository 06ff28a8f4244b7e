import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import yaml from 'js-yaml';
import { schemaUrl } from '../generate/chart-metadata.js';
import { EDITOR_SCHEMA_FILE } from '../generate/editor-schema.js';
import { currentByStamp, writeStamp } from '../io/generate-stamp.js';
import { OWNED_DIRS } from '../io/layout.js';
import { openSigner, type Signer } from '../io/gpg.js';
import { PROJECT_ROOT, SCHEMA_FILE, packageVersion, readProjectInfo } from '../io/project.js';
import { diffTree, writeTree } from '../io/write-tree.js';
import { buildChartArchive } from '../publish/chart-archive.js';
import { provenanceMessage } from '../publish/provenance.js';
import { compareVersions, mergeIndex, parseIndex, serializeIndex } from '../publish/repo-index.js';
import { UsageError } from './args.js';
import { GeneratorMissingError, loadGenerator } from './generator.js';
import { cliReferenceMarkdown, parseCommand } from './specs.js';
import { CHART_PATH } from './values-args.js';

export const PUBLIC_KEY_FILE = 'pgp-public-key.asc';

/**
 * `retool-chart package [--out release] [--repo-url URL] [--merge index.yaml] [--sign --key NAME --keyring FILE]`:
 * a reproducible chart archive, its index entry, the schema at its published URL, and optionally a .prov.
 * Nothing is written unless everything succeeded.
 */
export async function packageCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, 'package');
  // Usage first: a wrong command line is refused before the (slower) staleness check.
  if (!args.booleans.sign && (args.strings.key || args.strings.keyring)) throw new UsageError('--key and --keyring only apply with --sign');
  if (args.booleans.sign && !args.strings.key) throw new UsageError('--sign needs --key NAME (a user ID substring of the signing key)');
  const out = resolve(args.strings.out ?? 'release');
  const project = readProjectInfo(PROJECT_ROOT);
  const repoUrl = (args.strings['repo-url'] ?? project.chartRepoUrl).replace(/\/+$/, '');
  if (!/^https?:\/\/[\x21-\x7e]+$/.test(repoUrl)) throw new UsageError(`--repo-url must be an http(s) URL, got "${repoUrl}"`);
  const chartDir = resolve(args.strings.chart ?? CHART_PATH);
  if (!args.strings.chart) await refuseStaleChart();

  const mergeFile = args.strings.merge ?? (existsSync(join(out, 'index.yaml')) ? join(out, 'index.yaml') : undefined);
  const existing = mergeFile ? parseIndex(readFileSync(mergeFile, 'utf8'), mergeFile) : undefined;
  const mtime = sourceDateEpoch(chartDir);

  let signer: Signer | undefined;
  try {
    if (args.booleans.sign) signer = openSigner(args.strings.keyring ?? join(homedir(), '.gnupg', 'secring.gpg'), args.strings.key!);
    const archive = buildChartArchive(readChartFiles(chartDir), {
      repoUrl,
      mtime,
      ...(signer && { signKey: { fingerprint: signer.fingerprint, url: `${repoUrl}/${PUBLIC_KEY_FILE}` } }),
    });
    const created = new Date(mtime * 1000).toISOString();
    const { index, added } = mergeIndex(existing, archive, `${repoUrl}/${archive.fileName}`, created);
    const newest = index.entries[archive.name].every((entry) => compareVersions(archive.version, String(entry.version)) >= 0);

    const files = new Map<string, string | Buffer>([
      [archive.fileName, archive.tgz],
      ['index.yaml', serializeIndex(index)],
      ['artifacthub-repo.yml', artifactHubRepo(project.maintainers)],
      [`schema/${archive.version}/values.schema.json`, archive.schema],
    ]);
    if (newest) files.set('schema/latest/values.schema.json', archive.schema);
    if (archive.editorSchema) {
      files.set(`schema/${archive.version}/${EDITOR_SCHEMA_FILE}`, archive.editorSchema);
      if (newest) files.set(`schema/latest/${EDITOR_SCHEMA_FILE}`, archive.editorSchema);
    }
    if (signer) {
      files.set(`${archive.fileName}.prov`, signer.clearsign(provenanceMessage(archive)));
      files.set(PUBLIC_KEY_FILE, signer.publicKey);
    }
    writeTree(out, files, []);
    // `helm push` dates the OCI manifest (org.opencontainers.image.created) by the archive's mtime: pinning it
    // makes the manifest digest as reproducible as the archive.
    utimesSync(join(out, archive.fileName), mtime, mtime);
    const shown = relative(process.cwd(), out) || '.';
    process.stdout.write(
      `${join(shown, archive.fileName)}  sha256:${archive.sha256}\n` +
        `index: ${join(shown, 'index.yaml')} (${added ? 'added' : 'already listed with this digest'} ${archive.name} ${archive.version})\n` +
        `schema: ${schemaUrl(repoUrl, archive.version)}${newest ? ' (and latest)' : ''}\n` +
        (archive.editorSchema ? `editor schema: ${schemaUrl(repoUrl, archive.version, EDITOR_SCHEMA_FILE)}${newest ? ' (and latest)' : ''}\n` : '') +
        (signer ? `signed: ${join(shown, `${archive.fileName}.prov`)} by ${signer.fingerprint}\n` : ''),
    );
    return 0;
  } finally {
    signer?.close();
  }
}

async function refuseStaleChart(): Promise<void> {
  // generate --check's shortcut: nothing generate reads or writes changed since a run found the tree current.
  if (currentByStamp(PROJECT_ROOT, SCHEMA_FILE, OWNED_DIRS) !== undefined) return;
  let generator: Awaited<ReturnType<typeof loadGenerator>>;
  try {
    generator = await loadGenerator();
  } catch (error) {
    if (!(error instanceof GeneratorMissingError)) throw error;
    // An installed package: its chart and schema were generated together and checked when it was packed.
    process.stderr.write('note: no generator installed here; packaging the chart as shipped with this package\n');
    return;
  }
  const { generate } = generator;
  const { files } = await generate({ projectRoot: PROJECT_ROOT, schemaFile: SCHEMA_FILE, chartVersion: packageVersion(), cliReference: cliReferenceMarkdown() });
  const differing = diffTree(PROJECT_ROOT, files, OWNED_DIRS);
  if (differing.length) throw new Error(`charts/retool is out of date with the schema (run npm run generate first):\n${differing.map((p) => `  ${p}`).join('\n')}`);
  writeStamp(PROJECT_ROOT, SCHEMA_FILE, files);
}

/** SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the time of the chart directory's last commit. */
export function sourceDateEpoch(chartDir: string): number {
  const env = process.env.SOURCE_DATE_EPOCH;
  if (env !== undefined) {
    if (!/^\d+$/.test(env)) throw new Error(`SOURCE_DATE_EPOCH must be whole seconds since the epoch, got "${env}"`);
    return Number(env);
  }
  const git = spawnSync('git', ['log', '-1', '--format=%ct', '--', '.'], { cwd: chartDir, encoding: 'utf8' });
  const seconds = git.status === 0 ? git.stdout.trim() : '';
  if (!/^\d+$/.test(seconds)) throw new Error(`${chartDir} has no git history to date the archive by: set SOURCE_DATE_EPOCH`);
  return Number(seconds);
}

function readChartFiles(dir: string): Map<string, Buffer> {
  if (!existsSync(join(dir, 'Chart.yaml'))) throw new Error(`${dir}: no Chart.yaml (not a chart directory)`);
  const files = new Map<string, Buffer>();
  const walk = (sub: string) => {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      const path = sub ? `${sub}/${name}` : name;
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else files.set(path, readFileSync(join(dir, path)));
    }
  };
  walk('');
  return files;
}

/** Artifact Hub's repository metadata, served beside index.yaml. */
function artifactHubRepo(maintainers: Array<{ name: string; email?: string }>): string {
  const owners = maintainers.filter((m) => m.email).map(({ name, email }) => ({ name, email }));
  return `# Artifact Hub repository metadata (https://artifacthub.io/docs/topics/repositories/)\n${yaml.dump(owners.length ? { owners } : {}, { lineWidth: -1 })}`;
}
