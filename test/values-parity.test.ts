// Values parity: for each case, the values `validate` computes (files read with YAML 1.1, --set family, coalesce
// over the chart defaults) must equal the values Helm 3 and Helm 4 hand to templates. A probe chart with the
// generated chart's values.yaml and one template, `{{ toJson .Values }}`, shows Helm's side; no schema, so
// values the chart's schema would refuse are compared too. Where Helm fails, `validate` must fail too.

import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runHelmAsync, type HelmMajor } from '../src/io/helm.js';
import { projectModel } from '../src/project-model.js';
import { loadSources } from '../src/validate/values-sources.js';
import { CHART } from './support/paths.js';

const model = projectModel();
const dir = mkdtempSync(join(tmpdir(), 'retool-parity-'));
const probe = join(dir, 'probe');
mkdirSync(join(probe, 'templates'), { recursive: true });
writeFileSync(join(probe, 'Chart.yaml'), 'apiVersion: v2\nname: probe\nversion: 0.1.0\n');
copyFileSync(join(CHART, 'values.yaml'), join(probe, 'values.yaml'));
writeFileSync(join(probe, 'templates', 'values.json'), '{{ toJson .Values }}\n');
const textFile = join(dir, 'literal.txt');
writeFileSync(textFile, 'line one\nline, two\n');

interface Case {
  name: string;
  files?: string[];
  sets?: string[];
  setStrings?: string[];
  setJsons?: string[];
  setFiles?: string[];
  setLiterals?: string[];
}

const CASES: Case[] = [
  {
    name: 'YAML 1.1 scalars: booleans, octal, 0o/0x/0b, underscores, floats, timestamps stay strings, nulls',
    files: [[
      'workflows:', '  enabled: no', 'components:', '  api:', '    podLabels:',
      '      a: yes', '      b: On', '      c: yEs', '      d: 0177', '      e: 0o17', '      f: 0x_1F', '      g: 0b101', '      h: 1_000',
      '      i: 1e3', '      j: 08', '      k: 2001-12-14', '      l: +12', '      m: .5', '      n: 1.', '      o: 9007199254740993',
      '      p: 18446744073709551615', '      q: 99999999999999999999999', '      r: 1e999', '      s: NULL', '      t: "~"', '      u: -0x10',
    ].join('\n')],
  },
  {
    name: 'YAML 1.1 keys: booleans, numbers (Go %g), hex, duplicates through different spellings are not involved',
    files: ['components:\n  api:\n    podLabels:\n      on: a\n      off: b\n      1.5: c\n      0x10: d\n      1e6: e\n      0.00001: f\n      1e3: g\n      -7: h\n'],
  },
  {
    name: 'null: deletes keys the defaults have, is kept elsewhere (files)',
    files: ['networkPolicy: null\nretool:\n  version: ~\n  licenseKey: null\ncomponents:\n  api:\n    podLabels:\n      a: null\n    replicas:\nunknownTop: null\ndeep:\n  x: {y: null}\n'],
  },
  {
    name: 'files merge among themselves first (a null then a map: the map), then coalesce',
    files: ['database: null\nimages: {backend: null}\n', 'database:\n  mode: external\n  embedded: null\nimages:\n  backend: {tag: x}\n'],
  },
  {
    name: '--set: list indices, escaped dots, typing (big ints, leading zeros, signs), null over defaults and elsewhere',
    sets: ['components.api.tolerations[1].key=x,components.api.podLabels.a\\.b/c=d,big=9007199254740993,neg=-007,z=0,e=,f=1.5,g=TRUE,h={a,1,}', 'images.backend=null,newkey=null,components.api.podLabels.k=null', 'list[0][1]=x,m[2]=y'],
  },
  {
    name: '--set-json, --set-string, --set-literal, --set-file, in Helm\'s order',
    files: ['components:\n  api:\n    tolerations: [{key: a}, {key: b}]\n'],
    setJsons: ['components.api.podLabels={"a":"b","n":null,"x":1.50},j=[1,{"y":null}],empty=', 'order=1'],
    sets: ['components.api.tolerations[1].value=v', 'order=2'],
    setStrings: ['s=true,t=null,order=3'],
    setFiles: [`fileValue=${textFile},order=${textFile}`],
    setLiterals: ['lit.a=x,y=z\\q', 'order=5'],
  },
  {
    name: 'merge keys in the order written (a later << wins over an explicit key, the first map of a list wins), a quoted "<<" is a key, tags on the other node kind',
    files: ['m:\n  a: 1\n  <<: {a: 2, b: 3}\nn:\n  <<: {a: 2, b: 3}\n  a: 1\nl:\n  <<: [{a: 1}, {a: 2, c: 3}]\nq:\n  "<<": {a: 2}\nt: !!int {a: b}\nf: !!float 2\nanchored: [&x v, *x]\n'],
  },
  { name: 'a file of only ~ is empty', files: ['~\n'] },
  { name: 'the empty ! tag is the empty string (not null)', files: ['e: !\nm:\n  k: !\n'] },
];

/** Cases Helm refuses: `validate` must refuse them as well. */
const FAILING: Case[] = [
  { name: '--set into a value an earlier file made null', files: ['networkPolicy: null\n'], sets: ['networkPolicy.enabled=true'] },
  { name: '--set a.b after --set a=1', sets: ['a=1', 'a.b=2'] },
  { name: '--set list index into a map a file set', files: ['retool: {a: 1}\n'], sets: ['retool[0]=x'] },
  { name: '--set index beyond 65536', sets: ['a[65537]=x'] },
  { name: '--set negative index', sets: ['a[-1]=x'] },
  { name: '--set key without value', sets: ['a.b'] },
  { name: '--set-json invalid JSON', setJsons: ['a={b'] },
  { name: '--set-file missing file', setFiles: [`a=${join(dir, 'missing.txt')}`] },
  { name: '.inf in a values file', files: ['a: .inf\n'] },
  { name: 'a null key', files: ['~: 1\n'] },
  { name: 'an integer key beyond int64', files: ['18446744073709551615: 1\n'] },
  { name: 'a list as a key', files: ['? [a, b]\n: 1\n'] },
  { name: 'a lone surrogate escape', files: ['a: "\\ud800"\n'] },
  { name: 'a raw control character', files: ['a: b\u0001c\n'] },
  { name: 'a file of only a document end marker', files: ['...\n'] },
  { name: 'NEL and LS are line breaks in a plain scalar', files: ['a: b\u0085c\n', 'a: b\u2028c\n'] },
  { name: 'an escaped U+FFFE (refused when Helm reads the rendered manifests)', files: ['global: {a: "b\\uFFFEc"}\n'] },
  { name: 'an implicit key longer than 1,024 characters', files: [`global:\n  ${'k'.repeat(1100)}: 1\n`] },
  { name: 'an alias bomb', files: [`global:\n  a: &a [x, x, x, x, x, x, x, x, x]\n${['b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k, i) => `  ${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`).join('\n')}\n`] },
  { name: 'a merge of a scalar', files: ['a: {<<: x}\n'] },
];

let fileCount = 0;
function materialize(c: Case): { files: string[]; args: string[] } {
  const files = (c.files ?? []).map((text) => {
    const file = join(dir, `values-${fileCount++}.yaml`);
    writeFileSync(file, text);
    return file;
  });
  const args = [
    ...files.flatMap((f) => ['-f', f]),
    ...(c.setJsons ?? []).flatMap((a) => ['--set-json', a]),
    ...(c.sets ?? []).flatMap((a) => ['--set', a]),
    ...(c.setStrings ?? []).flatMap((a) => ['--set-string', a]),
    ...(c.setFiles ?? []).flatMap((a) => ['--set-file', a]),
    ...(c.setLiterals ?? []).flatMap((a) => ['--set-literal', a]),
  ];
  return { files, args };
}

function ours(c: Case, files: string[]) {
  return loadSources({ defaults: model.defaults, files, sets: c.sets, setStrings: c.setStrings, setJsons: c.setJsons, setFiles: c.setFiles, setLiterals: c.setLiterals });
}

async function helmValues(major: HelmMajor, args: string[]): Promise<{ ok: boolean; values?: unknown; stderr: string }> {
  const result = await runHelmAsync(['template', 'x', probe, ...args], { major });
  if (result.status !== 0) return { ok: false, stderr: result.stderr };
  const json = result.stdout.split('\n').find((line) => line.startsWith('{'));
  return { ok: true, values: JSON.parse(json!), stderr: '' };
}

for (const c of CASES) {
  test(`values parity: ${c.name}`, async () => {
    const { files, args } = materialize(c);
    const { merged, issues } = ours(c, files);
    assert.equal(issues, [], JSON.stringify(issues));
    for (const major of [3, 4] as HelmMajor[]) {
      const helm = await helmValues(major, args);
      assert.ok(helm.ok, `helm ${major} failed: ${helm.stderr}`);
      assert.equal(merged.values, helm.values, `helm ${major}`);
    }
  });
}

for (const c of FAILING) {
  test(`refused by Helm 3, Helm 4 and validate alike: ${c.name}`, async () => {
    const { files, args } = materialize(c);
    const { issues } = ours(c, files);
    assert.ok(issues.length > 0, 'validate accepted it');
    assert.ok(issues.every((i) => i.file && i.message.length > 10), JSON.stringify(issues));
    for (const major of [3, 4] as HelmMajor[]) {
      const helm = await helmValues(major, args);
      assert.not.ok(helm.ok, `helm ${major} accepted it: ${String(JSON.stringify(helm.values)).slice(0, 200)}`);
    }
  });
}

test('several YAML documents: Helm 3 reads the first, Helm 4 merges all; validate refuses the file and says so', async () => {
  const { files, args } = materialize({ name: '', files: ['first: 1\n---\nsecond: 2\n'] });
  const [helm3, helm4] = await Promise.all([helmValues(3, args), helmValues(4, args)]);
  assert.equal([(helm3.values as any).first, (helm3.values as any).second], [1, undefined]);
  assert.equal([(helm4.values as any).first, (helm4.values as any).second], [1, 2]);
  const { issues } = ours({ name: '' }, files);
  assert.is(issues.length, 1);
  assert.match(issues[0].message, /2 YAML documents.*Helm 3 reads only the first and Helm 4 merges them all/);
  assert.is(issues[0].line, 2);
  // A trailing empty document changes nothing for either Helm: accepted.
  const trailing = materialize({ name: '', files: ['first: 1\n---\n'] });
  assert.equal(ours({ name: '' }, trailing.files).issues, []);
});

test('a whole-object --set-json: Helm 4 reads it, Helm 3.18 refuses; validate refuses and says so', async () => {
  const { args } = materialize({ name: '', setJsons: ['{"a":1}'] });
  const [helm3, helm4] = await Promise.all([helmValues(3, args), helmValues(4, args)]);
  assert.not.ok(helm3.ok);
  assert.is((helm4.values as any).a, 1);
  const { issues } = ours({ name: '', setJsons: ['{"a":1}'] }, []);
  assert.match(issues[0].message, /Helm 4 but refused by Helm 3/);
});

test('bytes that are not UTF-8: refused by both Helms and by validate, with the line', async () => {
  const file = join(dir, 'latin1.yaml');
  writeFileSync(file, Buffer.from('a: 1\nb: caf\xe9\n', 'latin1'));
  const { issues } = ours({ name: '' }, [file]);
  assert.equal([issues[0].line, issues[0].column], [2, 7]);
  assert.match(issues[0].message, /not valid UTF-8/);
  for (const major of [3, 4] as HelmMajor[]) assert.not.ok((await helmValues(major, ['-f', file])).ok);
});

test('UTF-16 with a byte order mark: big-endian read alike by both Helms and validate; little-endian read by Helm 3, refused by Helm 4 and validate', async () => {
  const text = 'a: 1\nb: [x, "é"]\n';
  const be = join(dir, 'utf16be.yaml');
  writeFileSync(be, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
  const { merged, issues } = ours({ name: '' }, [be]);
  assert.equal(issues, []);
  for (const major of [3, 4] as HelmMajor[]) assert.equal((await helmValues(major, ['-f', be])).values, merged.values, `helm ${major}`);

  const le = join(dir, 'utf16le.yaml');
  writeFileSync(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  const [helm3, helm4] = await Promise.all([helmValues(3, ['-f', le]), helmValues(4, ['-f', le])]);
  assert.equal(helm3.values, merged.values, 'Helm 3 reads little-endian (if it stops, the message can drop "while Helm 3 reads it")');
  assert.match(helm4.stderr, /incomplete UTF-16 character/);
  const refused = ours({ name: '' }, [le]).issues;
  assert.match(refused[0].message, /UTF-16 little-endian.*Helm 4 refuses it.*save it as UTF-8/);
});

test('a values file over 5 MiB: refused by validate unread, with the reason (Helm reads it: a listed gap)', async () => {
  const big = join(dir, 'big.yaml');
  writeFileSync(big, `a: "${'x'.repeat(5 * 1024 * 1024)}"\n`);
  const { issues } = ours({ name: '' }, [big]);
  assert.match(issues[0].message, /larger than 5 MiB.*release Secret/);
  assert.ok((await helmValues(4, ['-f', big])).ok, 'Helm 4 reads it (if it stops, the gap closes)');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
