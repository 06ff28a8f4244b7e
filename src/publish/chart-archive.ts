import { createHash } from 'node:crypto';
import yaml from 'js-yaml';
import { schemaUrl } from '../generate/chart-metadata.js';
import { EDITOR_SCHEMA_FILE } from '../generate/editor-schema.js';
import { HELM_IGNORED } from '../generate/helmignore.js';
import { deterministicTgz } from './tar.js';

/** What a release changes in the chart it packages: facts only known at package time. */
export interface ReleaseOptions {
  /** URL the chart repository is served from; the schema is published under it. */
  repoUrl: string;
  /** Seconds since the epoch stamped on every archive entry (SOURCE_DATE_EPOCH or the chart's last commit). */
  mtime: number;
  /** Artifact Hub's signKey annotation, when the release is signed. */
  signKey?: { fingerprint: string; url: string };
}

export interface ChartArchive {
  name: string;
  version: string;
  fileName: string;
  /** Chart.yaml as packaged, parsed (the index entry and the provenance file repeat it). */
  metadata: Record<string, unknown>;
  /** values.schema.json as packaged (with its `$id`), also published at its URL. */
  schema: string;
  /** values.editor.schema.json with its `$id`, when the chart has one: published at its URL, not in the archive (.helmignore). */
  editorSchema?: string;
  tgz: Buffer;
  sha256: string;
}

/** Helm writes these first; every other file follows in byte order of its path. */
const LEADING = ['Chart.yaml', 'values.yaml', 'values.schema.json'];

/**
 * The chart directory's files (chart-relative path → bytes) as a release archive: the schema gets its
 * versioned `$id` (and so does the editor schema), the values.yaml modeline points at the editor schema's
 * absolute URL (so `helm show values` output saved anywhere still validates in an editor, as a partial values
 * file), Chart.yaml gets the signKey annotation when signing.
 */
export function buildChartArchive(files: Map<string, Buffer>, options: ReleaseOptions): ChartArchive {
  const chartYaml = files.get('Chart.yaml');
  const schemaFile = files.get('values.schema.json');
  if (!chartYaml || !schemaFile) throw new Error('not a chart directory: Chart.yaml and values.schema.json are required');
  const parsed = yaml.load(chartYaml.toString('utf8')) as { name?: unknown; version?: unknown };
  if (typeof parsed?.name !== 'string' || typeof parsed.version !== 'string') throw new Error('Chart.yaml: name and version must be strings');
  const { name, version } = parsed;
  const id = schemaUrl(options.repoUrl, version);

  const released = new Map(files);
  const chartText = options.signKey ? withSignKey(chartYaml.toString('utf8'), options.signKey) : chartYaml.toString('utf8');
  released.set('Chart.yaml', Buffer.from(chartText));
  const schema = withSchemaId(schemaFile.toString('utf8'), id);
  released.set('values.schema.json', Buffer.from(schema));
  const editorFile = files.get(EDITOR_SCHEMA_FILE);
  const editorId = schemaUrl(options.repoUrl, version, EDITOR_SCHEMA_FILE);
  const editorSchema = editorFile ? withSchemaId(editorFile.toString('utf8'), editorId) : undefined;
  const values = files.get('values.yaml');
  const modeline = editorSchema ? editorId : id;
  if (values) released.set('values.yaml', Buffer.from(values.toString('utf8').replace(/^(# yaml-language-server: \$schema=)\S+/m, `$1${modeline}`)));

  const order = (path: string) => (LEADING.includes(path) ? LEADING.indexOf(path) : LEADING.length);
  const paths = [...released.keys()].filter((path) => !HELM_IGNORED.includes(path)).sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
  const tgz = deterministicTgz(paths.map((path) => ({ path: `${name}/${path}`, content: released.get(path)! })), options.mtime);
  return {
    name,
    version,
    fileName: `${name}-${version}.tgz`,
    metadata: yaml.load(chartText) as Record<string, unknown>,
    schema,
    ...(editorSchema && { editorSchema }),
    tgz,
    sha256: createHash('sha256').update(tgz).digest('hex'),
  };
}

/** `$id` right after `$schema`, replacing one already there; the rest of the file keeps its bytes. */
export function withSchemaId(schema: string, id: string): string {
  const withoutId = schema.replace(/^ {2}"\$id": "[^"\n]*",\n/m, '');
  const out = withoutId.replace(/^( {2}"\$schema": "[^"\n]*",\n)/m, `$1  "$id": ${JSON.stringify(id)},\n`);
  if (out === withoutId) throw new Error('values.schema.json: no top-level "$schema" line to place "$id" after');
  const parsed = JSON.parse(out) as { $id?: string };
  if (parsed.$id !== id) throw new Error('values.schema.json: could not set $id');
  return out;
}

function withSignKey(chartYaml: string, key: { fingerprint: string; url: string }): string {
  const block = [`  artifacthub.io/signKey: |`, `    fingerprint: ${key.fingerprint}`, `    url: ${key.url}`].join('\n');
  const out = chartYaml.replace(/^annotations:\n/m, `annotations:\n${block}\n`);
  const annotations = (yaml.load(out) as { annotations?: Record<string, string> }).annotations;
  if (!annotations?.['artifacthub.io/signKey']?.includes(key.fingerprint)) throw new Error('Chart.yaml: could not add the artifacthub.io/signKey annotation');
  return out;
}
