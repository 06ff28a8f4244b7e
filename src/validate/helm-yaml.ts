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

const mergeType = new yaml.Type('tag:yaml.org,2002:merge', {
  kind: 'scalar',
  resolve: (data: unknown) => data === '<<' || data === null,
});

/** js-yaml resolving plain scalars as go-yaml v2 does; numbers and nulls come back boxed (see unbox). */
export const HELM_YAML_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, boolType, numberType('tag:yaml.org,2002:int', ['int', 'uint']), numberType('tag:yaml.org,2002:float', ['float']), mergeType],
});

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
      out[key] = unbox(child, problems, [...path, key]);
    }
    return out;
  }
  return value;
}
