/**
 * The editor schema (charts/retool/values.editor.schema.json) without an editor: it is generated from the
 * source schema, ajv's strict mode accepts it (editor keywords registered, nothing else), every cross-field
 * rule speaks with the CLI's reason text, every property is documented, and on generated overlays its verdict
 * is `validate`'s (the LSP suite in ide.test.ts proves the same in the real yaml-language-server, line by line).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { schemaUrl } from '../src/generate/chart-metadata.js';
import { buildEditorSchema, EDITOR_SCHEMA_FILE } from '../src/generate/editor-schema.js';
import { readProjectFiles } from '../src/io/project.js';
import { mergeValues } from '../src/model/defaults.js';
import { podCheckSites } from '../src/model/pod-checks.js';
import { projectModel } from '../src/project-model.js';
import { DEFAULTS_KEPT, keptDefaultPaths } from '../src/schema/helm-safety.js';
import { isObject, resolvePointer, type JsonSchema } from '../src/schema/json-schema.js';
import { visit } from '../src/schema/visit.js';
import { editorAjv, EDITOR_KEYWORDS } from '../src/validate/editor-ajv.js';
import { ruleReason } from '../src/schema/rules.js';
import { podRuleIssues } from '../src/validate/pod-rules.js';
import { acceptsValues, validateValues } from '../src/validate/validate-values.js';
import { CHART, FIXTURES, ROOT } from './support/paths.js';
import { allFixtureFiles } from './support/fixtures.js';

const model = projectModel();
const committed = JSON.parse(readFileSync(join(CHART, EDITOR_SCHEMA_FILE), 'utf8')) as JsonSchema;
const editor = editorAjv().compile(committed);

test('the committed editor schema is what the generator makes from the source schema, with its own $id', () => {
  const id = schemaUrl(readProjectFiles(ROOT).info.chartRepoUrl, model.chartVersion, EDITOR_SCHEMA_FILE);
  assert.is(committed.$id, id, 'the URL package publishes it at');
  assert.equal(committed, JSON.parse(JSON.stringify(buildEditorSchema(model, id))));
  assert.is(committed.$schema, 'http://json-schema.org/draft-07/schema#');
  const text = JSON.stringify(committed);
  assert.not.match(text, /x-retool-/);
  for (const ref of text.matchAll(/"\$ref":"([^"]+)"/g)) assert.match(ref[1], /^#\/definitions\//);
});

test('ajv strict mode accepts the editor keywords only because they are registered, and still refuses typos', () => {
  for (const keyword of EDITOR_KEYWORDS) assert.ok(JSON.stringify(committed).includes(`"${keyword}"`) || ['deprecationMessage', 'enumDescriptions'].includes(keyword), `${keyword} is used`);
  assert.throws(() => editorAjv().compile({ type: 'string', markdownDescriptoin: 'typo' }), /unknown keyword/);
  assert.not.throws(() => editorAjv().compile({ type: 'string', markdownDescription: 'ok', errorMessage: 'ok' }));
});

test('every cross-field rule of the source speaks in the editor with the reason the CLI gives (one text)', () => {
  const reasons = new Set<string>();
  // (The "defaults cannot be deleted with null" rule is left out of the editor schema: see KNOWN_GAPS in ide.test.ts.)
  visit(model.schema, (node) => node.allOf?.forEach((rule) => { const r = ruleReason(rule); if (r && rule.$comment !== DEFAULTS_KEPT) reasons.add(r); }));
  assert.ok(reasons.size >= 10, `only ${reasons.size} rules`);
  const messages = new Set<string>();
  visit(committed, (node) => { if (typeof node.errorMessage === 'string') messages.add(node.errorMessage); });
  for (const reason of reasons) assert.ok(messages.has(reason), `no errorMessage says: ${reason}`);
  // A rule's failing keywords carry its reason, never a generic wording.
  visit(committed, (node) => {
    // In the editor schema a rule names its reason in $comment (a description would replace the hover text).
    const reason = typeof node.$comment === 'string' ? node.$comment : undefined;
    if (!reason || !isObject(node.then)) return;
    visit(node.then as JsonSchema, (inner, at) => {
      if (/\/if(\/|$)/.test(at)) return; // a condition never reports: what it guards carries the reason
      const failing = ['required', 'const', 'enum', 'type', 'pattern'].some((k) => k in inner);
      if (failing) assert.ok(inner.errorMessage, `a keyword of "${reason}" has no errorMessage: ${JSON.stringify(inner).slice(0, 200)}`);
    });
  });
});

test('every value property has a title (never a type name) and a markdown description; enums say what each value means', () => {
  const walk = (node: JsonSchema, path: string[]) => {
    for (const [key, written] of Object.entries(node.properties ?? {})) {
      const where = [...path, key].join('.');
      // A workload's shared pod option points at its one documented node (definitions.PodOptions).
      const child = shared(written);
      assert.ok(child.title && child.title !== 'RetoolValues', `${where} has no title`);
      assert.ok(typeof child.markdownDescription === 'string' && child.markdownDescription.length > 0, `${where} has no markdownDescription`);
      walk(child, [...path, key]);
    }
  };
  walk(committed, []);
  const p = committed.properties!;
  for (const node of [p.profile, p.podSecurity, p.temporal.properties!.mode, p.components.properties!.codeExecutor.properties!.sandbox, p.database.properties!.mode]) {
    const described = node.markdownEnumDescriptions as string[];
    assert.ok(Array.isArray(described) && described.every(Boolean), `${node.title}: ${JSON.stringify(described)}`);
    assert.ok(node['x-intellij-enum-metadata'], `${node.title} has JetBrains enum metadata`);
  }
  assert.match(String(p.database.markdownDescription), /```yaml\ndatabase:\n {2}mode: external/);
  assert.match(String(p.components.properties!.api.properties!.replicas.markdownDescription), /Default: `2`/);
  const cidr = committed.definitions!.CIDR;
  assert.ok(cidr.patternErrorMessage && !String(cidr.patternErrorMessage).includes('^'), 'the CIDR pattern is explained, not quoted');
});

test('every example in the editor schema is a value its property accepts', () => {
  let checked = 0;
  const walk = (node: JsonSchema, path: string[]) => {
    for (const [key, written] of Object.entries(node.properties ?? {})) {
      const child = shared(written);
      for (const example of (child.examples as unknown[] | undefined) ?? []) {
        const validate = editorAjv().compile({ ...child, definitions: committed.definitions });
        assert.ok(validate(example), `${[...path, key].join('.')}: example ${JSON.stringify(example)} is refused: ${JSON.stringify(validate.errors)}`);
        checked++;
      }
      walk(child, [...path, key]);
    }
  };
  walk(committed, []);
  assert.ok(checked >= 5, `only ${checked} examples`);
});

test('snippets for the blocks people write most: external database, external Temporal with mTLS, ingress with TLS, resources', () => {
  const p = committed.properties!;
  const labels = (node: JsonSchema) => ((node.defaultSnippets as Array<{ label: string }> | undefined) ?? []).map((s) => s.label);
  assert.ok(labels(p.database).includes('External PostgreSQL'));
  assert.ok(labels(p.temporal).includes('External Temporal with mTLS'));
  assert.ok(labels(p.ingress).includes('Ingress with TLS'));
  for (const component of Object.keys(p.components.properties!)) assert.ok(labels(p.components.properties![component].properties!.resources).includes('Requests and limits'), component);
  // A snippet, filled in, is a valid values file (placeholders replaced by their defaults).
  const fill = (v: unknown): unknown => (typeof v === 'string' ? v.replace(/\$\{\d+:([^}]*)\}/g, '$1') : Array.isArray(v) ? v.map(fill) : isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)])) : v);
  const secrets = { licenseKey: 'l', encryptionKey: 'e', jwtSecret: 'j' };
  for (const [key, node] of [['database', p.database], ['temporal', p.temporal], ['ingress', p.ingress]] as const) {
    const values = { retool: secrets, [key]: fill((node.defaultSnippets as Array<{ body: unknown }>)[0].body) };
    assert.equal(validateValues(model.schema, mergeValues(model.defaults, values)), [], key);
    assert.ok(editor(values), `${key}: ${JSON.stringify(editor.errors)}`);
  }
});

/** A workload's shared pod option (a bare `$ref`) as the node it points at; any other node as it is. */
function shared(node: JsonSchema): JsonSchema {
  return node.$ref && Object.keys(node).length === 1 ? resolvePointer(committed, node.$ref) : node;
}

/**
 * Overlays made from every fixture by one change each: every enum value written, every written key deleted,
 * set to null or to a value of the wrong type, every top-level section removed. Verdicts must be identical.
 */
function generatedOverlays(): Array<{ name: string; values: unknown }> {
  const out: Array<{ name: string; values: unknown }> = [];
  const enums: Array<{ path: string[]; values: unknown[] }> = [];
  const walk = (node: JsonSchema, path: string[]) => {
    for (const [key, written] of Object.entries(node.properties ?? {})) {
      const child = shared(written);
      if (Array.isArray(child.enum)) enums.push({ path: [...path, key], values: child.enum });
      walk(child, [...path, key]);
    }
  };
  walk(committed, []);
  const set = (tree: unknown, path: string[], value: unknown): unknown => {
    const copy: Record<string, unknown> = isObject(tree) ? structuredClone(tree) : {};
    let cursor = copy;
    for (const key of path.slice(0, -1)) {
      if (!isObject(cursor[key])) cursor[key] = {};
      cursor = cursor[key] as Record<string, unknown>;
    }
    if (value === undefined) delete cursor[path[path.length - 1]];
    else cursor[path[path.length - 1]] = value;
    return copy;
  };
  const written = (tree: unknown, path: string[] = []): string[][] =>
    isObject(tree) ? Object.entries(tree).flatMap(([k, v]) => [[...path, k], ...written(v, [...path, k])]) : [];
  for (const file of allFixtureFiles()) {
    const text = readFileSync(file, 'utf8');
    if (/^# .*known gap/.test(text)) continue; // its mutations would all carry the gap
    const base = (yaml.load(text) ?? {}) as Record<string, unknown>;
    const name = file.slice(ROOT.length + 1);
    for (const { path, values } of enums) for (const value of values) out.push({ name: `${name} ${path.join('.')}=${JSON.stringify(value)}`, values: set(base, path, value) });
    for (const path of written(base)) {
      out.push({ name: `${name} -${path.join('.')}`, values: set(base, path, undefined) });
      out.push({ name: `${name} ${path.join('.')}=null`, values: set(base, path, null) });
      out.push({ name: `${name} ${path.join('.')}=""`, values: set(base, path, '') });
      out.push({ name: `${name} ${path.join('.')}=1`, values: set(base, path, 1) });
    }
  }
  return out;
}

/** The values paths whose chart default a null may not delete, and the pod rules' sites: once per file, not per case. */
const KEPT = keptDefaultPaths(model.schema);
const POD_SITES = podCheckSites(model.schema);

/** Where the editor is knowingly stricter than Helm's merge (see KNOWN_GAPS in ide.test.ts). */
function knownGap(values: unknown): boolean {
  // An unknown key (or a map key with an invalid name) set to null: `validate` drops it in the merge; the
  // editor still checks the key itself, so a typo stays a squiggle.
  const hasUnknownNull = (node: JsonSchema | undefined, tree: unknown): boolean => isObject(tree) && Object.entries(tree).some(([k, v]) => {
    const child = node?.properties?.[k];
    if (!child) return v === null;
    return hasUnknownNull(shared(child), v);
  });
  // A null over a key with a chart default: refused in merged values only (see KNOWN_GAPS in ide.test.ts).
  const hasKeptNull = (tree: unknown, path: string[]): boolean => isObject(tree) && Object.entries(tree).some(([k, v]) =>
    (v === null && KEPT.has([...path, k].join('\u0000'))) || hasKeptNull(v, [...path, k]));
  // A pod rule (src/validate/pod-rules.ts): validate and Helm refuse it; JSON Schema cannot state it.
  const podRule = () => isObject(values) && podRuleIssues(POD_SITES, mergeValues(model.defaults, values) as Record<string, unknown>).length > 0;
  return hasUnknownNull(committed, values) || hasKeptNull(values, []) || podRule();
}

test('generated overlays: the editor schema accepts a values file exactly when validate accepts it merged', () => {
  const cases = generatedOverlays();
  assert.ok(cases.length > 1000, `only ${cases.length} generated cases`);
  const disagreements: string[] = [];
  let gaps = 0;
  for (const [index, { name, values }] of cases.entries()) {
    const merged = mergeValues(model.defaults, values);
    const helm = acceptsValues(model.schema, merged);
    // acceptsValues is validate's verdict without the reasons: the two agree (checked on a sample, for speed).
    if (index % 50 === 0) assert.is(helm, validateValues(model.schema, merged).length === 0, `acceptsValues and validateValues on ${name}`);
    const ide = editor(values) as boolean;
    if (helm === ide) continue;
    if (knownGap(values)) { gaps++; continue; }
    disagreements.push(`${name}: validate ${helm ? 'accepts' : 'refuses'}, editor ${ide ? 'accepts' : `refuses (${editor.errors?.map((e) => `${e.instancePath} ${e.message}`).join('; ')})`}`);
  }
  console.log(`  editor schema vs validate on ${cases.length} generated overlays: ${cases.length - disagreements.length - gaps} agree, ${gaps} known gap(s), ${disagreements.length} disagree`);
  assert.equal(disagreements.slice(0, 20), [], `${disagreements.length} disagreements`);
});

test('fixtures folder exists (sanity for the generated cases)', () => {
  assert.ok(allFixtureFiles().some((f) => f.startsWith(FIXTURES)));
});

test.run();
