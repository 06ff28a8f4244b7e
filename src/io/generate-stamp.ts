import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_SRC_DIR } from './layout.js';
import { leftovers } from './write-tree.js';

/**
 * `generate --check` without generating, when nothing it reads has changed since a full run found (or wrote)
 * the tree current. That run leaves a stamp in the local cache (never committed): the digest of everything
 * generate reads (the schema, the sources, the templates, the project files and the lockfile that pins
 * Handlebars and json-schema-to-typescript) and the sha256 of every file it generates. The check trusts the
 * stamp only when the inputs hash to that digest *and* every output still has its recorded hash *and* the owned
 * directories hold nothing else; any difference falls back to the full generate-and-compare. So the stamp can
 * make the check faster, never laxer, and a fresh clone simply runs the full check once.
 */
export function stampFile(root: string): string {
  const cache = process.env.RETOOL_CHART_CACHE || join(root, 'node_modules', '.cache', 'retool-chart');
  return join(cache, 'generate-stamp.json');
}

/** Project files and directories generate reads (besides the schema file it is given). */
const INPUTS = ['src', 'chart-templates', 'examples', 'package.json', 'package-lock.json', 'CHANGELOG.md', 'LICENSE'];

export interface Stamp {
  inputs: string;
  outputs: Record<string, string>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function filesUnder(root: string, path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full).sort().flatMap((name) => filesUnder(root, `${path}/${name}`));
}

function listInputs(root: string): string[] {
  return INPUTS.flatMap((path) => filesUnder(root, path)).filter((path) => !path.startsWith(`${GENERATED_SRC_DIR}/`)).sort();
}

/** One digest of every input's path and bytes, and of the schema file. */
export function inputsDigest(root: string, schemaFile: string): string {
  const hash = createHash('sha256');
  for (const path of listInputs(root)) hash.update(`${path}\0${sha256(readFileSync(join(root, path)))}\n`);
  hash.update(`schema\0${sha256(readFileSync(schemaFile))}\n`);
  return hash.digest('hex');
}

/** Records a full run whose files are exactly what the tree holds; best effort (a cache that cannot be written is no error). */
export function writeStamp(root: string, schemaFile: string, files: Map<string, string>): void {
  const outputs = Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, content]) => [path, sha256(content)]));
  const file = stampFile(root);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, `${JSON.stringify({ inputs: inputsDigest(root, schemaFile), outputs } satisfies Stamp)}\n`);
    renameSync(temp, file);
  } catch {
    // read-only or missing cache directory: the next check is a full one
  }
}

/**
 * The number of generated files when the tree is provably what a full run would write (see above), else
 * undefined: the caller then runs generate and compares.
 */
export function stampedUpToDate(root: string, schemaFile: string, ownedDirs: readonly string[]): number | undefined {
  const file = stampFile(root);
  if (!existsSync(file)) return undefined;
  let stamp: Stamp;
  try {
    stamp = JSON.parse(readFileSync(file, 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
  if (stamp.inputs !== inputsDigest(root, schemaFile)) return undefined;
  for (const [path, digest] of Object.entries(stamp.outputs)) {
    if (!existsSync(join(root, path)) || sha256(readFileSync(join(root, path))) !== digest) return undefined;
  }
  for (const dir of ownedDirs) {
    for (const path of filesUnder(root, dir)) if (!(path in stamp.outputs)) return undefined;
  }
  return Object.keys(stamp.outputs).length;
}

/**
 * The number of generated files when the stamp shows the tree current and no interrupted run left files behind
 * (what `generate --check` and `package` may trust without generating); undefined means: generate and compare.
 */
export function currentByStamp(root: string, schemaFile: string, ownedDirs: readonly string[]): number | undefined {
  return leftovers(root, ownedDirs).length ? undefined : stampedUpToDate(root, schemaFile, ownedDirs);
}
