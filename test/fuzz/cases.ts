// Differential fuzzing, part 1: cases generated from the values schema itself. Each case is a valid fixture
// plus ONE mutation at a schema site (a property path), delivered through a values file or a --set flag.
// The mutation catalog follows what the schema says about the site (enum, type, pattern, bounds, oneOf, map),
// so new properties in the schema are fuzzed without touching this file.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deref, isObject, type JsonSchema } from '../../src/schema/json-schema.js';
import type { ChartModel } from '../../src/model/chart-model.js';
import { FIXTURES, fixtureNames } from '../support/paths.js';

/** A schema site: a values path reachable through `properties`, with its (dereferenced) schema. */
export interface Site {
  path: string[];
  schema: JsonSchema;
}

/** How a mutated value is written in each channel; a channel left out cannot carry it. */
export interface Spelling {
  /** YAML flow or scalar text, written as is (so YAML 1.1 spellings stay spellings). */
  yaml: string;
  /** Text after `=` in --set (typed by Helm's rules). */
  set?: string;
  /** JSON text for --set-json. */
  json?: string;
}

export type Channel = 'file' | '--set' | '--set-string' | '--set-json';

export interface FuzzCase {
  id: number;
  /** Valid fixture the mutation lands on. */
  base: string;
  /** What was done, for the report (e.g. "null", "type swap"). */
  kind: string;
  path: string[];
  channel: Channel;
  /** Mutation values file text (channel file), or the flag argument. */
  file?: string;
  flag?: { name: Exclude<Channel, 'file'>; arg: string };
}

/** mulberry32: small, seedable, good enough to pick cases reproducibly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];

function typesOf(schema: JsonSchema): string[] {
  if (schema.type !== undefined) return Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.properties) return ['object'];
  return [];
}

/** Every values path reachable through `properties` (dereferenced), parents before children. */
export function schemaSites(root: JsonSchema, maxDepth = 7): Site[] {
  const sites: Site[] = [];
  const walk = (node: JsonSchema, path: string[]) => {
    if (path.length > maxDepth) return;
    const schema = deref(root, node);
    if (path.length) sites.push({ path, schema });
    for (const [key, child] of Object.entries(schema.properties ?? {})) walk(child, [...path, key]);
  };
  walk(root, []);
  return sites;
}

const s = (yaml: string, set?: string, json?: string): Spelling => ({ yaml, set, json });
const str = (value: string): Spelling => s(JSON.stringify(value), value.replace(/\\/g, '\\\\').replace(/,/g, '\\,'), JSON.stringify(value));
const num = (text: string): Spelling => s(text, text, /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text) ? text : undefined);

/** YAML 1.1 spellings, numbers Helm may not carry, strings that look like other types. */
const BOOLEAN_SPELLINGS = ['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'NO', 'Off', 'True', 'yEs', 'TRUE', '"yes"', '1', '0'];
const NUMBER_SPELLINGS = ['0', '1', '-1', '3', '2147483647', '2147483648', '9007199254740993', '1e21', '1e3', '1e6', '1000000', '0x10', '0177', '010000', '1_000', '.inf', '-.inf', '.nan', '+12', '08', '1.5', '3.0', '"3"', '1e999', '99999999999999999999', '0b11', '0777', '1E+2', '!!float 3', '!!int 3', '!!str 3'];
const STRING_SPELLINGS = ['""', '"x"', 'abc', 'yes', 'on', 'No', '~', '010000', '1e3', '0x1F', '1_0', '"a\\nb"', '"a\\u0001b"', '"a\\tb"', "'with space'", 'UPPER', `"${'a'.repeat(300)}"`, '-lead', '"ends-"', '12:30', '2001-12-14', '"\\ud800"', '.inf', 'a.b', '"a,b"', '"#x"', '!!str yes', '! x', '!', '&a x', '"a\\uFFFEb"', '"a\\x85b"', '"<<"'];
const PATTERN_SAMPLES = ['a', 'abc-1', 'x.y', '3.75.3', '3.75', 'v3.75.3', `sha256:${'a'.repeat(64)}`, '10.0.0.0/8', '::1/128', '30s', '500m', '1Gi', 'IfNotPresent', 'example.com', 'my-registry.io:5000/team', 'ABC_1', 'a_b'];
const NULL_SPELLINGS = [s('null', 'null', 'null'), s('~', 'null', 'null'), s('', undefined, undefined)];
const TYPE_SWAPS = [s('[]', '{}', '[]'), s('{}', undefined, '{}'), s('"text"', 'text', '"text"'), s('7', '7', '7'), s('true', 'true', 'true'), s('[1, 2]', '{1,2}', '[1,2]')];
const MAP_KEYS = ['on', 'yes', 'Off', '1.5', '0x10', '1e6', '"a.b/c"', 'k8s.io/x', '~', 'true', '"quoted"', '[a, b]', '{a: 1}', 'UPPER_key', '"a\\nb"', '"<<"', '__proto__', '"-x"', 'a..b', 'x/y/z', 'example.com/', '"k8s.io/a b"'];

/** The mutations that make sense at a site, by what its schema says. */
export interface Mutation {
  kind: string;
  value: Spelling;
  /** A map entry to add under the site (file only). */
  entryKey?: string;
  /** A list index (and key) after the site's path: --set only, e.g. `[0].key`. */
  setSuffix?: string;
}

export function mutationsFor(root: JsonSchema, site: Site): Mutation[] {
  const schema = site.schema;
  const types = typesOf(schema);
  const out: Mutation[] = [];
  out.push(...NULL_SPELLINGS.map((value) => ({ kind: 'null', value })));
  out.push(...TYPE_SWAPS.map((value) => ({ kind: 'type swap', value })));
  if (Array.isArray(schema.enum)) {
    for (const option of schema.enum) {
      if (typeof option === 'string') out.push({ kind: 'enum', value: str(option) }, { kind: 'enum plain', value: s(option, option, JSON.stringify(option)) });
      else out.push({ kind: 'enum', value: s(JSON.stringify(option), String(option), JSON.stringify(option)) });
    }
  }
  if (types.includes('boolean')) out.push(...BOOLEAN_SPELLINGS.map((text) => ({ kind: 'boolean spelling', value: s(text, text.replace(/"/g, ''), undefined) })));
  if (types.includes('integer') || types.includes('number')) {
    const bounds = [schema.minimum, schema.maximum].filter((b): b is number => typeof b === 'number').flatMap((b) => [b - 1, b, b + 1]).map(String);
    out.push(...[...bounds, ...NUMBER_SPELLINGS].map((text) => ({ kind: 'number', value: text.startsWith('"') ? s(text, undefined, text) : num(text) })));
  }
  if (types.includes('string')) {
    out.push(...STRING_SPELLINGS.map((text) => ({ kind: 'string', value: s(text, text.startsWith('"') || text.startsWith("'") ? undefined : text.replace(/,/g, '\\,'), undefined) })));
    if (schema.pattern) out.push(...PATTERN_SAMPLES.map((text) => ({ kind: 'pattern', value: str(text) })));
  }
  const branches = [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].map((b) => deref(root, b));
  if (branches.some((b) => b.properties?.secretKeyRef)) {
    out.push(
      { kind: 'secret form', value: s('{secretKeyRef: {name: s, key: k}}', undefined, '{"secretKeyRef":{"name":"s","key":"k"}}') },
      { kind: 'secret form', value: s('{secretKeyRef: {name: s}}', undefined, '{"secretKeyRef":{"name":"s"}}') },
      { kind: 'secret form', value: s('{secretKeyRef: {name: s, key: k, extra: 1}}') },
      { kind: 'secret form', value: str('plain-secret') },
      { kind: 'secret form', value: s('""', '', '""') },
    );
  }
  if (schema.properties?.requests && schema.properties?.limits) {
    // Requests against limits in every quantity spelling the schema allows (equal pairs must pass).
    for (const [request, limit] of [['"3"', '2500m'], ['1Gi', '1024Mi'], ['0.5', '500m'], ['1e3', '1k'], ['"1.0000001"', '"1"'], ['1G', '1Gi'], ['1Gi', '1G'], ['2', '1999m'], ['.5Ki', '512'], ['1E+2', '100'], ['1e-3', '1m'], ['"1"', '1']]) {
      out.push({ kind: 'quantity pair', value: s(`{requests: {cpu: ${request}, memory: ${request}}, limits: {cpu: ${limit}, memory: ${limit}}}`) });
    }
  }
  if (types.includes('object') || schema.properties) {
    out.push({ kind: 'unknown key', value: s('{zzUnknown: 1}', undefined, '{"zzUnknown":1}') });
    const extra = isObject(schema.additionalProperties) ? deref(root, schema.additionalProperties as JsonSchema) : undefined;
    if (extra) {
      for (const key of MAP_KEYS) out.push({ kind: 'map key', value: s('value'), entryKey: key });
      for (const text of ['yes', '010', '1e3', '"x"', 'null', '[]', '"a\\nb"', '"with space"', `"${'v'.repeat(64)}"`, '&x v', '!!float 2']) out.push({ kind: 'map value', value: s(text), entryKey: 'fuzzkey' });
      // Anchors, aliases and merge keys (go-yaml v2 lets a later << win over an explicit key; YAML 1.1 does not).
      for (const text of ['{fuzzkey: a, <<: {fuzzkey: b}}', '{<<: {fuzzkey: b}, fuzzkey: a}', '{<<: [{fuzzkey: b}, {fuzzkey: c}]}', '{"<<": {fuzzkey: b}}', '{<<: x}', '!!int {fuzzkey: b}']) out.push({ kind: 'merge key', value: s(text) });
    }
  }
  if (types.includes('array')) {
    out.push({ kind: 'list', value: s('[x]', '{x}', '["x"]') }, { kind: 'list', value: s('[{}]', undefined, '[{}]') }, { kind: 'list', value: s('[null]', undefined, '[null]') });
    out.push({ kind: 'list', value: s('[]', undefined, '[]') }, { kind: 'list items', value: s('[&i x, *i]') }, { kind: 'list items', value: s('[10.0.0.0/8, 10.20.0.0/33]', '{10.0.0.0/8,10.20.0.0/33}', '["10.0.0.0/8","10.20.0.0/33"]') });
    const items = isObject(schema.items) ? deref(root, schema.items as JsonSchema) : undefined;
    // The pod rules (src/validate/pod-rules.ts): names and paths repeated, a mount of no volume, the chart's own names.
    if (items?.properties?.mountPath) {
      for (const text of ['[{name: fuzzvol, mountPath: /fuzz}]', '[{name: tmp, mountPath: /fuzz}]', '[{name: fuzzvol, mountPath: /tmp}]']) out.push({ kind: 'pod rule', value: s(text) });
    }
    if (items?.properties?.emptyDir) {
      for (const text of ['[{name: fuzzvol, emptyDir: {}}, {name: fuzzvol, emptyDir: {}}]', '[{name: tmp, emptyDir: {}}]', '[{name: temporal-ca, emptyDir: {}}]', '[{name: fuzzvol, emptyDir: {}}]']) out.push({ kind: 'pod rule', value: s(text) });
    }
    out.push({ kind: 'list index', value: s('', 'x'), setSuffix: '[0]' }, { kind: 'list index', value: s('', '7'), setSuffix: '[1]' });
    for (const [key, prop] of Object.entries(items?.properties ?? {})) {
      const resolved = deref(root, prop);
      const sample = Array.isArray(resolved.enum) ? String(resolved.enum[0]) : typesOf(resolved).includes('integer') ? '1' : 'value';
      out.push({ kind: 'list index', value: s('', sample), setSuffix: `[0].${key}` }, { kind: 'list index', value: s('', sample), setSuffix: `[2].${key}` });
    }
  }
  return out;
}

/** YAML key text for a path segment (quoted when plain text would be read differently). */
function yamlKey(key: string): string {
  return /^[A-Za-z][A-Za-z0-9_./-]*$/.test(key) && !/^(y|n|yes|no|on|off|true|false|null)$/i.test(key) ? key : JSON.stringify(key);
}

/** A values file that sets `path` to `value` (raw YAML text), nested block mappings. */
export function mutationFile(path: string[], value: string, entryKey?: string): string {
  const lines: string[] = [];
  path.forEach((key, depth) => {
    const last = depth === path.length - 1 && entryKey === undefined;
    lines.push(`${'  '.repeat(depth)}${yamlKey(key)}:${last ? (value === '' ? '' : ` ${value}`) : ''}`);
  });
  if (entryKey !== undefined) {
    const indent = '  '.repeat(path.length);
    lines.push(entryKey.startsWith('[') || entryKey.startsWith('{') ? `${indent}? ${entryKey}\n${indent}: ${value}` : `${indent}${entryKey}: ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

const setPath = (path: string[]) => path.map((key) => key.replace(/\\/g, '\\\\').replace(/\./g, '\\.').replace(/,/g, '\\,').replace(/=/g, '\\=').replace(/\[/g, '\\[')).join('.');

/** The valid fixtures cases start from (every one renders). */
export function baseFixtures(): string[] {
  return fixtureNames(FIXTURES);
}

export function fixtureFile(name: string): string {
  return join(FIXTURES, `${name}.values.yaml`);
}

/** `count` cases from `seed`: a site, a mutation that fits it, a channel that can carry it. */
export function generateCases(model: ChartModel, seed: number, count: number): FuzzCase[] {
  const random = rng(seed);
  const sites = schemaSites(model.schema);
  const bases = baseFixtures();
  const cases: FuzzCase[] = [];
  while (cases.length < count) {
    const site = pick(random, sites);
    const mutations = mutationsFor(model.schema, site);
    const mutation = pick(random, mutations);
    const base = pick(random, bases);
    const channels: Channel[] = mutation.setSuffix ? [] : ['file', 'file'];
    if (mutation.entryKey === undefined && mutation.value.set !== undefined) channels.push('--set', '--set-string');
    if (mutation.entryKey === undefined && !mutation.setSuffix && mutation.value.json !== undefined) channels.push('--set-json');
    const channel = pick(random, channels);
    const id = cases.length;
    const common = { id, base, kind: mutation.kind, path: site.path, channel };
    if (channel === 'file') cases.push({ ...common, file: mutationFile(site.path, mutation.value.yaml, mutation.entryKey) });
    else {
      const text = channel === '--set-json' ? mutation.value.json! : mutation.value.set!;
      cases.push({ ...common, flag: { name: channel, arg: `${setPath(site.path)}${mutation.setSuffix ?? ''}=${text}` } });
    }
  }
  return cases;
}

/** The fixture text, for reproducers. */
export function fixtureText(name: string): string {
  return readFileSync(fixtureFile(name), 'utf8');
}
