import yaml from 'js-yaml';

/*
 * Helm reads values files with sigs.k8s.io/yaml: go-yaml v2 (YAML 1.1 scalar resolution) converts the document
 * to JSON, and Go's encoding/json reads that back. So, for plain (unquoted) scalars:
 *   - booleans are y|Y|yes|Yes|YES|on|On|ON|true|True|TRUE and their n/no/off/false spellings (not "yEs");
 *   - null is ~|null|Null|NULL or nothing;
 *   - integers go through Go's strconv.ParseInt(text without underscores, base 0): 0x1F, 0o17, 0b101, 0177
 *     (octal) and 1_000 are integers; what int64 cannot hold is tried as uint64, then as a float;
 *   - floats match YAML 1.1's float pattern (after removing underscores) or are .inf/.nan spellings, and text
 *     Go cannot parse into a finite float64 (1e999) stays a string;
 *   - everything else, timestamps included, is a string.
 * After the JSON round trip every number is a float64 (a JavaScript number: the same value), .inf and .nan
 * are refused ("json: unsupported value"), and map keys become strings the Go way: true/false, decimal
 * integers, floats in Go's %g form (1e+06, .inf); null, uint64, list and map keys are refused.
 */

/** A number as go-yaml resolved it; a map key is stringified the way sigs.k8s.io/yaml does. */
export class GoNumber {
  constructor(readonly value: number, readonly kind: 'int' | 'uint' | 'float') {}
  get [Symbol.toStringTag]() {
    return 'GoNumber';
  }
  toString(): string {
    if (this.kind === 'uint') return badKey('an integer beyond int64 (uint64)');
    if (this.kind === 'int') return this.exactText;
    return goFloatKey(this.value);
  }
  /** The exact decimal text of an int64 key (set by the resolver; numbers above 2^53 lose digits otherwise). */
  exactText = '';
}

/** A plain null scalar (~, null): kept boxed so that a null map key can be told from the string "null". */
export class GoNull {
  get [Symbol.toStringTag]() {
    return 'GoNull';
  }
  toString(): string {
    return badKey('null');
  }
}

const BAD_KEY = '\u0000retool-chart-bad-key\u0000';
const badKey = (what: string) => `${BAD_KEY}${what}`;

/** If `key` is a key Helm cannot convert to a string: what it is (for the message). */
export function badKeyKind(key: string): string | undefined {
  return key.startsWith(BAD_KEY) ? key.slice(BAD_KEY.length) : undefined;
}

const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);
const NULL_WORDS = new Set(['~', 'null', 'Null', 'NULL']);
const POS_INF = new Set(['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']);
const NEG_INF = new Set(['-.inf', '-.Inf', '-.INF']);
const NAN = new Set(['.nan', '.NaN', '.NAN']);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt/ParseUint with base 0 (prefixes 0x 0o 0b, leading 0 = octal), or undefined. */
function goParseInteger(text: string): bigint | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return undefined;
  const [, sign, body] = match;
  let digits: bigint;
  if (/^0[xXoObB]/.test(body)) digits = BigInt(`0${body[1].toLowerCase()}${body.slice(2)}`);
  else if (body.length > 1 && body[0] === '0') digits = BigInt(`0o${body.slice(1)}`);
  else digits = BigInt(body);
  return sign === '-' ? -digits : digits;
}

/** Go's strconv.ParseFloat for YAML-style float text: undefined when out of range (Go returns an error). */
function goParseFloat(text: string): number | undefined {
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** How go-yaml v2 resolves an untagged plain scalar. */
export function resolvePlainScalar(text: string): { kind: 'null' | 'bool' | 'int' | 'uint' | 'float' | 'str'; value: unknown; exact?: string } {
  if (text === '' || NULL_WORDS.has(text)) return { kind: 'null', value: null };
  if (TRUE_WORDS.has(text)) return { kind: 'bool', value: true };
  if (FALSE_WORDS.has(text)) return { kind: 'bool', value: false };
  if (POS_INF.has(text)) return { kind: 'float', value: Infinity };
  if (NEG_INF.has(text)) return { kind: 'float', value: -Infinity };
  if (NAN.has(text)) return { kind: 'float', value: NaN };
  const first = text[0];
  if (first === '.') {
    // Go's ParseFloat on the text as written (no underscore removal on this path).
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) {
      const value = goParseFloat(text);
      if (value !== undefined) return { kind: 'float', value };
    }
    return { kind: 'str', value: text };
  }
  if (!/[0-9+-]/.test(first)) return { kind: 'str', value: text };
  const plain = text.replace(/_/g, '');
  const integer = goParseInteger(plain);
  if (integer !== undefined) {
    if (integer >= INT64_MIN && integer <= INT64_MAX) return { kind: 'int', value: Number(integer), exact: integer.toString() };
    if (integer >= 0n && integer <= UINT64_MAX) return { kind: 'uint', value: Number(integer) };
  }
  if (YAML_FLOAT.test(plain)) {
    const value = goParseFloat(plain);
    if (value !== undefined) return { kind: 'float', value };
  }
  return { kind: 'str', value: text };
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), with sigs.k8s.io/yaml's spellings of infinities and NaN. */
export function goFloatKey(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const abs = Math.abs(exponent);
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(value);
}

const nullType = new yaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || data === '' || NULL_WORDS.has(data),
  construct: (data: string | null) => (data === null || data === '' ? null : new GoNull()),
});

const boolType = new yaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && (TRUE_WORDS.has(data) || FALSE_WORDS.has(data)),
  construct: (data: string) => TRUE_WORDS.has(data),
});

const numberType = (tag: string, kinds: string[]) =>
  new yaml.Type(tag, {
    kind: 'scalar',
    resolve: (data: string | null) => data !== null && kinds.includes(resolvePlainScalar(data).kind),
    construct: (data: string) => {
      const resolved = resolvePlainScalar(data);
      const number = new GoNumber(resolved.value as number, resolved.kind as 'int' | 'uint' | 'float');
      number.exactText = resolved.exact ?? '';
      return number;
    },
  });

/**
 * A plain `<<` key stays an ordinary key of the mapping (under this sentinel), so unbox can merge the way go-yaml
 * v2 does, in the order written: a merge after an explicit key overrides it (YAML 1.1 and js-yaml keep the explicit
 * key), and in a list of maps the first wins. A quoted "<<" is a plain key "<<" in both.
 */
export const MERGE_KEY = '\u0000retool-chart-merge\u0000';
const mergeType = new yaml.Type('tag:retool-chart,2026:merge', {
  kind: 'scalar',
  resolve: (data: unknown) => data === '<<',
  construct: () => MERGE_KEY,
});

/** `!!float 2`: go-yaml v2 reads an integer under an explicit float tag as that number. */
const explicitFloatType = new yaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && ['int', 'uint', 'float'].includes(resolvePlainScalar(data).kind),
  construct: (data: string) => new GoNumber(resolvePlainScalar(data).value as number, 'float'),
});

/** A standard scalar tag on a map or list (`!!int {a: b}`): go-yaml v2 ignores it and keeps the collection. */
const collectionUnderScalarTag = (['null', 'bool', 'int', 'float', 'str'] as const).flatMap((name) =>
  (['mapping', 'sequence'] as const).map((kind) => new yaml.Type(`tag:yaml.org,2002:${name}`, { kind, construct: (data: unknown) => data ?? (kind === 'mapping' ? {} : []) })),
);

/** js-yaml resolving plain scalars as go-yaml v2 does; numbers and nulls come back boxed (see unbox). */
export const HELM_YAML_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, boolType, numberType('tag:yaml.org,2002:int', ['int', 'uint']), numberType('tag:yaml.org,2002:float', ['float']), mergeType],
  explicit: [explicitFloatType, ...collectionUnderScalarTag],
});

/**
 * go-yaml v2's guard against alias bombs (decode.go, allowedAliasRatio): with more than 100 aliases and 1,000
 * decoded nodes, refuse when aliases / decoded nodes exceeds 0.99 up to 400,000 nodes, falling to 0.10 at
 * 4,000,000. js-yaml shares aliased objects instead of copying them, so the document is counted as go-yaml would
 * decode it (every alias expanded) without expanding it; beyond 20,000,000 decoded nodes retool-chart refuses too.
 */
export function aliasingProblem(document: unknown): string | undefined {
  const incoming = new Map<object, number>();
  const seen = new Set<object>();
  const count = (value: unknown) => {
    if (value === null || typeof value !== 'object' || value instanceof GoNumber || value instanceof GoNull) return;
    incoming.set(value, (incoming.get(value) ?? 0) + 1);
    if (seen.has(value)) return;
    seen.add(value);
    for (const child of Object.values(value)) count(child);
  };
  count(document);
  if (![...incoming.values()].some((n) => n > 1)) return undefined;
  // Expanded size and alias count of each shared object's subtree, memoized (the DAG, not the tree).
  const memo = new Map<object, [number, number]>();
  const firstEdge = new Set<object>();
  const measure = (value: unknown): [number, number] => {
    if (value === null || typeof value !== 'object' || value instanceof GoNumber || value instanceof GoNull) return [1, 0];
    const known = memo.get(value);
    if (known) return known;
    let nodes = 1;
    let aliases = 0;
    for (const child of Object.values(value)) {
      const [n, a] = measure(child);
      nodes += n;
      aliases += a;
      if (child !== null && typeof child === 'object' && (incoming.get(child) ?? 0) > 1) {
        if (firstEdge.has(child)) aliases += 1;
        else firstEdge.add(child);
      }
    }
    const result: [number, number] = [nodes, aliases];
    memo.set(value, result);
    return result;
  };
  const [decoded, aliases] = measure(document);
  const low = 400_000;
  const high = 4_000_000;
  const allowed = decoded <= low ? 0.99 : decoded >= high ? 0.1 : 0.99 - 0.89 * ((decoded - low) / (high - low));
  if (aliases > 100 && decoded > 1000 && aliases / decoded > allowed) {
    return `the document contains excessive aliasing (${aliases} aliases expand to ${decoded} values); Helm refuses it too ("document contains excessive aliasing")`;
  }
  if (decoded > 20_000_000) return `the document expands to ${decoded} values through its aliases, more than retool-chart reads (20,000,000)`;
  return undefined;
}

/** A value Helm cannot carry, found while unboxing: where and why. */
export interface UnboxProblem {
  path: string[];
  message: string;
}

/**
 * The values as Helm sees them after its YAML → JSON → Go round trip: boxed numbers and nulls become plain,
 * and whatever that round trip refuses is reported (the first problem per value; all values are visited).
 */
export function unbox(value: unknown, problems: UnboxProblem[], path: string[] = []): unknown {
  if (value instanceof GoNull) return null;
  if (value instanceof GoNumber) {
    if (!Number.isFinite(value.value)) {
      problems.push({ path, message: `${Number.isNaN(value.value) ? '.nan' : value.value > 0 ? '.inf' : '-.inf'} is not a number Helm can use (its JSON conversion fails: "unsupported value")` });
      return null;
    }
    return value.value;
  }
  if (typeof value === 'string') {
    if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) {
      problems.push({ path, message: 'the string holds an escaped lone UTF-16 surrogate (\\uD800-\\uDFFF), which Helm refuses as an invalid Unicode character' });
    } else if (/[\uFFFE\uFFFF]/.test(value)) {
      problems.push({ path, message: 'the string holds an escaped non-character U+FFFE or U+FFFF, which Helm refuses when it reads the rendered manifests back ("control characters are not allowed")' });
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => unbox(item, problems, [...path, String(i)]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const bad = badKeyKind(key);
      if (bad) {
        problems.push({ path, message: `a map key is ${bad}; Helm accepts only keys that convert to strings (text, true/false, numbers within int64)` });
        continue;
      }
      if (key === '__proto__') {
        problems.push({ path, message: 'a map key is __proto__, which retool-chart cannot carry (JavaScript reserves the name; it would be dropped silently); rename it' });
        continue;
      }
      if (key === MERGE_KEY) {
        mergeInto(out, unbox(child, problems, path), problems, path);
        continue;
      }
      out[key] = unbox(child, problems, [...path, key]);
    }
    return out;
  }
  return value;
}

/** go-yaml v2's `<<`: a map's keys set over what is there (in the order written), a list of maps with the first winning. */
function mergeInto(out: Record<string, unknown>, merged: unknown, problems: UnboxProblem[], path: string[]): void {
  const maps = Array.isArray(merged) ? [...merged].reverse() : [merged];
  if (!maps.every((m) => m !== null && typeof m === 'object' && !Array.isArray(m))) {
    problems.push({ path, message: 'a << merge key needs a map or a list of maps; Helm refuses anything else ("map merge requires map or sequence of maps as the value")' });
    return;
  }
  for (const map of maps as Array<Record<string, unknown>>) for (const [key, child] of Object.entries(map)) out[key] = child;
}
