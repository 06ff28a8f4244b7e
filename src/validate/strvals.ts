/*
 * Helm's --set family, reimplemented from its observable behaviour (helm.sh/helm pkg/strvals, same in Helm 3.18
 * and 4.1, checked against both binaries): each argument is parsed INTO the values merged from the -f files so
 * far, in Helm's order (--set-json, --set, --set-string, --set-file, --set-literal). That is why a list index
 * replaces a whole list (`--set tolerations[1]=x` keeps no default items: it starts from the user's values, not
 * the chart's), and why `--set a.b=1` fails when an earlier source made `a` a string, number, list or null.
 */

export type SetFlag = '--set' | '--set-string' | '--set-json' | '--set-file' | '--set-literal';

/** Helm's limits: list indices up to 65536, key paths up to 30 dots deep. */
const MAX_INDEX = 65536;
const MAX_NESTING = 30;

/** A leaf the argument assigned: its path (list indices as decimal strings) and value. */
export interface StrvalsAssignment {
  path: string[];
  value: unknown;
}

export class SetSyntaxError extends Error {}

const EOF = Symbol('eof');
type Step = typeof EOF | undefined;

type Reader = (text: string) => unknown;

class Scanner {
  private i = 0;
  constructor(private readonly chars: string[]) {}
  get done(): boolean {
    return this.i >= this.chars.length;
  }
  next(): string | undefined {
    return this.chars[this.i++];
  }
  unread(): void {
    this.i--;
  }
  rest(): string {
    return this.chars.slice(this.i).join('');
  }
  skip(count: number): void {
    this.i += count;
  }
  /** Reads up to one of `stop` (consumed, returned as `last`); a backslash takes the next character literally (unless `literal`). */
  until(stop: string, literal = false): { text: string; last?: string } {
    let text = '';
    for (;;) {
      const ch = this.next();
      if (ch === undefined) return { text };
      if (stop.includes(ch)) return { text, last: ch };
      if (ch === '\\' && !literal) {
        const escaped = this.next();
        if (escaped === undefined) return { text };
        text += escaped;
      } else text += ch;
    }
  }
}

/** Helm's typedVal: true/false/null in any case, "0", and base-10 int64 values not starting with "0". */
export function typedSetValue(raw: string): unknown {
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (raw === '0') return 0;
  if (raw !== '' && raw[0] !== '0' && /^[+-]?[0-9]+$/.test(raw)) {
    const n = BigInt(raw);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return Number(n) === 0 ? 0 : Number(n);
  }
  return raw;
}

const isMap = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isMap(value)) return 'a map';
  return `a ${typeof value} (${JSON.stringify(value)})`;
}

/** Length of the first JSON value in `text` (after blanks), as Go's json.Decoder would consume it. */
function jsonValueLength(text: string): number {
  let i = 0;
  while (/\s/.test(text[i] ?? '')) i++;
  const start = text[i];
  if (start === '{' || start === '[') {
    let depth = 0;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') {
        for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      } else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return text.length;
  }
  if (start === '"') {
    for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    return i + 1;
  }
  while (i < text.length && /[-+.0-9a-zA-Z]/.test(text[i])) i++;
  return i;
}

class Parser {
  readonly assignments: StrvalsAssignment[] = [];
  private readonly sc: Scanner;
  constructor(
    arg: string,
    private readonly mode: 'typed' | 'json' | 'literal',
    private readonly reader: Reader,
  ) {
    this.sc = new Scanner([...arg]);
  }

  parse(data: Record<string, unknown>): void {
    while (this.key(data, 0, []) !== EOF);
  }

  private setKey(data: Record<string, unknown>, key: string, value: unknown): void {
    if (key !== '') data[key] = value; // Helm silently ignores empty keys (`--set =1` does nothing)
  }

  private record(path: string[], value: unknown): void {
    if (path.every((segment) => segment !== '')) this.assignments.push({ path, value });
  }

  /** Blanks, then a comma or the end: an empty value (consumed); anything else is left for the next key. */
  private emptyValue(): boolean {
    for (;;) {
      const ch = this.sc.next();
      if (ch === undefined || ch === ',') return true;
      if (!/\s/.test(ch)) {
        this.sc.unread();
        return false;
      }
    }
  }

  private jsonValue(): unknown {
    const rest = this.sc.rest();
    const length = jsonValueLength(rest);
    let value: unknown;
    try {
      value = JSON.parse(rest.slice(0, length));
    } catch (error) {
      throw new SetSyntaxError(`invalid JSON value ${JSON.stringify(rest.slice(0, length) || rest)}: ${(error as Error).message}`);
    }
    // Bounded before anything recurses over it (as a values file is, see values-file.ts).
    if (jsonDepth(value) > MAX_JSON_DEPTH) throw new SetSyntaxError(`the JSON value nests more deeply than retool-chart can read (${MAX_JSON_DEPTH} levels; Helm stops at 10,000)`);
    this.sc.skip([...rest.slice(0, length)].length);
    this.emptyValue();
    return value;
  }

  /** `{a,b}` list, or undefined when the value is not a list; EOF right after `=`. */
  private valueList(): unknown[] | undefined | typeof EOF {
    const ch = this.sc.next();
    if (ch === undefined) return EOF;
    if (ch !== '{') {
      this.sc.unread();
      return undefined;
    }
    const list: unknown[] = [];
    for (;;) {
      const { text, last } = this.sc.until(',}', this.mode === 'literal');
      if (last === undefined) throw new SetSyntaxError("list must terminate with '}'");
      list.push(this.reader(text));
      if (last === '}') {
        const after = this.sc.next();
        if (after !== undefined && after !== ',') this.sc.unread();
        return list;
      }
    }
  }

  /** The value after `=`: JSON, literal rest, `{list}` or text up to the next comma. */
  private value(): unknown {
    if (this.mode === 'json') return this.emptyValue() ? null : this.jsonValue();
    if (this.mode === 'literal') return this.sc.until('', true).text;
    const list = this.valueList();
    if (list === EOF) return '';
    if (list) return list;
    return this.reader(this.sc.until(',').text);
  }

  private key(data: Record<string, unknown>, level: number, path: string[]): Step {
    const { text: k, last } = this.sc.until(this.mode === 'literal' ? '=[.' : '=[,.', this.mode === 'literal');
    if (last === undefined) {
      if (k === '') return EOF;
      throw new SetSyntaxError(`key "${[...path, k].join('.')}" has no value`);
    }
    if (last === '[') {
      const index = this.index();
      let list: unknown[] = [];
      if (k in data) {
        const existing = data[k];
        if (!Array.isArray(existing)) throw new SetSyntaxError(`"${[...path, k].join('.')}" is ${describe(existing)} (from an earlier -f file or --set), not a list; Helm fails with "interface conversion"`);
        list = existing;
      }
      const result = this.listItem(list, index, level, [...path, k]);
      this.setKey(data, k, result.list);
      return result.step;
    }
    if (last === '=') {
      const value = this.value();
      this.setKey(data, k, value);
      this.record([...path, k], value);
      return undefined;
    }
    if (last === ',') throw new SetSyntaxError(`key "${[...path, k].join('.')}" has no value (cannot end with ,)`);
    // last === '.'
    if (level + 1 > MAX_NESTING) throw new SetSyntaxError(`value name nested level is greater than maximum supported nested level of ${MAX_NESTING}`);
    let inner: Record<string, unknown> = {};
    if (k in data) {
      const existing = data[k];
      if (!isMap(existing)) throw new SetSyntaxError(`"${[...path, k].join('.')}" is ${describe(existing)} (from an earlier -f file or --set), not a map, so "${[...path, k].join('.')}.…" cannot be set; Helm fails with "interface conversion"`);
      inner = existing;
    }
    const step = this.key(inner, level + 1, [...path, k]);
    if (step === undefined && Object.keys(inner).length === 0) throw new SetSyntaxError(`key map "${k}" has no value`);
    if (Object.keys(inner).length) this.setKey(data, k, inner);
    return step;
  }

  private index(): number {
    const { text, last } = this.sc.until(']', this.mode === 'literal');
    if (last === undefined) throw new SetSyntaxError('error parsing index: missing "]"');
    if (!/^[+-]?[0-9]+$/.test(text)) throw new SetSyntaxError(`error parsing index: ${JSON.stringify(text)} is not a number`);
    return Number(text);
  }

  private setIndex(list: unknown[], index: number, value: unknown): unknown[] {
    if (index < 0) throw new SetSyntaxError(`negative ${index} index not allowed`);
    if (index > MAX_INDEX) throw new SetSyntaxError(`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`);
    while (list.length <= index) list.push(null);
    list[index] = value;
    return list;
  }

  private listItem(list: unknown[], index: number, level: number, path: string[]): { list: unknown[]; step: Step } {
    if (index < 0) throw new SetSyntaxError(`negative ${index} index not allowed`);
    const itemPath = [...path, String(index)];
    const { text, last } = this.sc.until('[.=', this.mode === 'literal');
    if (text !== '') throw new SetSyntaxError(`unexpected data at end of array index: ${JSON.stringify(text)}`);
    if (last === undefined) return { list, step: EOF };
    if (last === '=') {
      const value = this.value();
      this.record(itemPath, value);
      return { list: this.setIndex(list, index, value), step: undefined };
    }
    if (last === '[') {
      const next = this.index();
      let current: unknown[] = [];
      if (list.length > index && list[index] !== null) {
        if (!Array.isArray(list[index])) throw new SetSyntaxError(`"${itemPath.join('.')}" is ${describe(list[index])}, not a list; Helm fails with "interface conversion"`);
        current = list[index] as unknown[];
      }
      const inner = this.listItem(current, next, level, itemPath);
      return { list: this.setIndex(list, index, inner.list), step: inner.step };
    }
    // last === '.'
    let inner: Record<string, unknown> = {};
    if (list.length > index) {
      if (isMap(list[index])) inner = list[index] as Record<string, unknown>;
      else list[index] = inner;
    }
    const step = this.key(inner, level, itemPath);
    if (step === EOF) return { list, step };
    return { list: this.setIndex(list, index, inner), step };
  }
}

/**
 * Applies one argument of `flag` to `dest` (mutated) as Helm does; returns the leaves it assigned. Throws
 * SetSyntaxError where Helm fails. `readFile` serves --set-file (the value is the file's content).
 */
export function applySetArgument(flag: SetFlag, arg: string, dest: Record<string, unknown>, readFile: (path: string) => string = () => ''): StrvalsAssignment[] {
  if (flag === '--set-json' && arg.trim().startsWith('{')) {
    throw new SetSyntaxError('a whole JSON object (--set-json \'{"a":1}\') is read by Helm 4 but refused by Helm 3.18; write key=JSON instead (--set-json \'a=1\')');
  }
  const reader: Reader = flag === '--set' ? typedSetValue : flag === '--set-file' ? readFile : (text) => text;
  const parser = new Parser(arg, flag === '--set-json' ? 'json' : flag === '--set-literal' ? 'literal' : 'typed', reader);
  parser.parse(dest);
  return parser.assignments;
}

const MAX_JSON_DEPTH = 1000;

/** Nesting depth of parsed JSON, without recursion (so any depth can be measured). */
function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}
