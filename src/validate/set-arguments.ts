import { IssuesError } from '../issue.js';

export type SetFlag = '--set' | '--set-string';

/** One `key.path=value` assignment of a `--set` (or `--set-string`) argument. */
export interface SetAssignment {
  path: string[];
  value: unknown;
  /** Which flag it came from; `--set` when absent. */
  flag?: SetFlag;
}

/**
 * Parses one `--set` argument the way Helm's strvals does (subset): comma-separated `a.b.c=value` assignments,
 * backslash escapes (`example\.com/x` is one key; `\,` is a comma in a value), `{a,b}` lists. Values are typed
 * like Helm: true/false/null (any case) become booleans/null, decimal integers without a leading zero become
 * numbers (ones beyond JavaScript's safe integers stay strings), everything else (floats too) stays a string.
 * Not supported: `key[0]` list indices. Throws IssuesError (file `--set`) on syntax errors.
 */
export function parseSetArguments(arg: string): SetAssignment[] {
  return parseAssignments(arg, '--set');
}

/** `--set-string`: like parseSetArguments, but every value (and list item) stays a string. */
export function parseSetStringArguments(arg: string): SetAssignment[] {
  return parseAssignments(arg, '--set-string');
}

/** The single assignment of `arg`; throws when it holds none or several. */
export function parseSetArgument(arg: string): SetAssignment {
  const all = parseSetArguments(arg);
  if (all.length !== 1) throw setError('--set', arg, `expected one assignment, got ${all.length}`);
  return all[0];
}

function setError(flag: SetFlag, arg: string, reason: string): IssuesError {
  const message = `cannot parse ${flag} ${JSON.stringify(arg)}: ${reason}`;
  return new IssuesError([{ path: '', message, file: flag, line: 1, column: 1 }], message);
}

function parseAssignments(arg: string, flag: SetFlag): SetAssignment[] {
  const stringsOnly = flag === '--set-string';
  const out: SetAssignment[] = [];
  let i = 0;
  const fail = (reason: string) => setError(flag, arg, reason);
  while (i < arg.length) {
    // Key: segments split on unescaped dots, ended by "=".
    const path: string[] = [];
    let segment = '';
    let assigned = false;
    while (i < arg.length) {
      const ch = arg[i];
      if (ch === '\\') {
        if (i + 1 >= arg.length) throw fail('trailing backslash');
        segment += arg[i + 1];
        i += 2;
      } else if (ch === '.') {
        if (segment === '') throw fail(`empty key segment in "${[...path, ''].join('.')}"`);
        path.push(segment);
        segment = '';
        i++;
      } else if (ch === '=') {
        assigned = true;
        i++;
        break;
      } else if (ch === ',') {
        throw fail(`key "${[...path, segment].join('.')}" has no value`);
      } else if (ch === '[') {
        throw fail('list index syntax (key[0]=value) is not supported');
      } else {
        segment += ch;
        i++;
      }
    }
    if (!assigned) throw fail(`key "${[...path, segment].join('.')}" has no value`);
    if (segment === '') throw fail(path.length ? `empty key segment in "${[...path, ''].join('.')}"` : 'empty key');
    path.push(segment);

    // Value: a {list} or text up to the next unescaped comma.
    let value: unknown;
    if (arg[i] === '{') {
      i++;
      const items: unknown[] = [];
      let item = '';
      let closed = false;
      let sawItem = false;
      while (i < arg.length) {
        const ch = arg[i];
        if (ch === '\\') {
          if (i + 1 >= arg.length) throw fail('trailing backslash');
          item += arg[i + 1];
          sawItem = true;
          i += 2;
        } else if (ch === ',' || ch === '}') {
          if (ch === ',' || sawItem || item !== '') items.push(typedValue(item, stringsOnly));
          item = '';
          sawItem = ch === ',';
          i++;
          if (ch === '}') {
            closed = true;
            break;
          }
        } else {
          item += ch;
          sawItem = true;
          i++;
        }
      }
      if (!closed) throw fail('list is missing its closing "}"');
      if (i < arg.length && arg[i] !== ',') throw fail(`unexpected "${arg[i]}" after a list; separate assignments with ","`);
      value = items;
    } else {
      let raw = '';
      while (i < arg.length && arg[i] !== ',') {
        if (arg[i] === '\\') {
          if (i + 1 >= arg.length) throw fail('trailing backslash');
          raw += arg[i + 1];
          i += 2;
        } else raw += arg[i++];
      }
      value = typedValue(raw, stringsOnly);
    }
    if (arg[i] === ',') i++;
    out.push({ path, value, flag });
  }
  return out;
}

/** Helm's strvals typedVal. */
function typedValue(raw: string, stringsOnly: boolean): unknown {
  if (stringsOnly) return raw;
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (raw === '0') return 0;
  if (raw !== '' && raw[0] !== '0' && /^[+-]?[0-9]+$/.test(raw)) {
    const n = Number(raw);
    if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
  }
  return raw;
}
