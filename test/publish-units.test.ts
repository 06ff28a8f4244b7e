import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { changelogSection, defaultImages } from '../src/generate/chart-metadata.js';
import { buildChartArchive, withSchemaId } from '../src/publish/chart-archive.js';
import { compareVersions, mergeIndex } from '../src/publish/repo-index.js';
import { IssuesError } from '../src/issue.js';
import { readTgz } from './support/archive.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHANGELOG = '# Changelog\n\n## [0.2.0] - 2026-02-01\n### Fixed\n- a fix that\n  wraps\n### Security\n* pinned images\n\n## [0.1.0]\n### Added\n- first\n';

test('changelog: the version\'s section becomes Artifact Hub changes, wrapped bullets joined', () => {
  assert.equal(changelogSection(CHANGELOG, '0.2.0'), [
    { kind: 'fixed', description: 'a fix that wraps' },
    { kind: 'security', description: 'pinned images' },
  ]);
  assert.equal(changelogSection(CHANGELOG, '0.1.0'), [{ kind: 'added', description: 'first' }]);
});

test('changelog: a version without notes or an unknown kind is an error naming CHANGELOG.md', () => {
  assert.throws(() => changelogSection(CHANGELOG, '0.3.0'), (e: unknown) => e instanceof IssuesError && /no "## \[0\.3\.0\]" section/.test(e.message));
  assert.throws(() => changelogSection('## [1.0.0]\n### Improved\n- x\n', '1.0.0'), /"### Improved" is not one of added/);
});

test('images: tag <version>-<channel> when empty, digest when pinned, registry prefix', () => {
  const defaults = {
    retool: { version: '3.1.0', channel: 'edge' },
    images: { registry: 'mirror.example.com', pullPolicy: 'IfNotPresent', pullSecrets: [],
      backend: { repository: 'tryretool/backend', tag: '', digest: '' },
      postgres: { repository: 'postgres', tag: '16', digest: `sha256:${'a'.repeat(64)}` } },
  };
  assert.equal(defaultImages(defaults), [
    { name: 'backend', image: 'mirror.example.com/tryretool/backend:3.1.0-edge' },
    { name: 'postgres', image: `mirror.example.com/postgres@sha256:${'a'.repeat(64)}` },
  ]);
});

test('schema $id: placed after $schema, replaces an older one, keeps every other byte', () => {
  const schema = '{\n  "$schema": "http://json-schema.org/draft-07/schema#",\n  "type": "object"\n}\n';
  const once = withSchemaId(schema, 'https://a/schema/1/values.schema.json');
  assert.is(once, '{\n  "$schema": "http://json-schema.org/draft-07/schema#",\n  "$id": "https://a/schema/1/values.schema.json",\n  "type": "object"\n}\n');
  assert.is(withSchemaId(once, 'https://b'), once.replace('https://a/schema/1/values.schema.json', 'https://b'));
  assert.throws(() => withSchemaId('{"type":"object"}', 'x'), /no top-level "\$schema"/);
});

test('archive: paths longer than 100 bytes use the ustar prefix field and read back intact', () => {
  const long = `templates/${'d'.repeat(60)}/${'f'.repeat(60)}.yaml`;
  const files = new Map([
    ['Chart.yaml', Buffer.from('apiVersion: v2\nname: c\nversion: 1.0.0\nannotations:\n  x: y\n')],
    ['values.schema.json', Buffer.from('{\n  "$schema": "http://json-schema.org/draft-07/schema#",\n  "type": "object"\n}\n')],
    [long, Buffer.from('kind: ConfigMap\n')],
  ]);
  const archive = buildChartArchive(files, { repoUrl: 'https://r', mtime: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'retool-chart-tar-'));
  let entries: ReturnType<typeof readTgz>;
  try {
    writeFileSync(join(dir, archive.fileName), archive.tgz);
    entries = readTgz(join(dir, archive.fileName));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(entries.map((e) => e.path), ['c/Chart.yaml', 'c/values.schema.json', `c/${long}`]);
  assert.is(entries[2].content.toString(), 'kind: ConfigMap\n');
});

test('index: versions sorted newest first (release above its pre-release); a changed digest is refused', () => {
  assert.ok(compareVersions('1.10.0', '1.9.0') > 0);
  assert.ok(compareVersions('1.0.0', '1.0.0-rc.1') > 0);
  const archive = (version: string, sha256: string) => ({ name: 'c', version, fileName: `c-${version}.tgz`, metadata: { name: 'c', version }, schema: '', tgz: Buffer.alloc(0), sha256 });
  let { index } = mergeIndex(undefined, archive('1.0.0-rc.1', 'a'), 'u1', 't1');
  ({ index } = mergeIndex(index, archive('1.0.0', 'b'), 'u2', 't2'));
  assert.equal(index.entries.c.map((e) => e.version), ['1.0.0', '1.0.0-rc.1']);
  assert.is(index.generated, 't2');
  assert.is(mergeIndex(index, archive('1.0.0', 'b'), 'u2', 't3').added, false);
  assert.throws(() => mergeIndex(index, archive('1.0.0', 'c'), 'u2', 't3'), /c 1\.0\.0 is already in the index with digest b/);
});

test.run();
