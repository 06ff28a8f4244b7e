import { editDistance } from '../edit-distance.js';

export interface ArgSpec {
  booleans?: string[];
  strings?: string[];
  /** Options that may repeat; collected in order. */
  lists?: string[];
  /** Single-letter aliases, e.g. { f: 'values' }. */
  aliases?: Record<string, string>;
}

export interface ParsedArgs {
  booleans: Record<string, boolean>;
  strings: Record<string, string | undefined>;
  lists: Record<string, string[]>;
  /** Everything after `--`. */
  rest: string[];
}

/** Wrong command-line usage (exit code 2), as opposed to invalid input (1). */
export class UsageError extends Error {}

/** A small strict parser: unknown options and missing values are errors, never ignored. */
export function parseArgs(argv: string[], spec: ArgSpec): ParsedArgs {
  const out: ParsedArgs = { booleans: {}, strings: {}, lists: {}, rest: [] };
  for (const name of spec.lists ?? []) out.lists[name] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') { out.rest = argv.slice(i + 1); break; }
    const match = /^(?:--([a-z][-a-z]*)|-([a-zA-Z]))(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument "${arg}"`);
    const name = match[1] ?? spec.aliases?.[match[2]];
    if (!name) throw new UsageError(`unknown option "${arg}"${suggestion(arg, spec)}`);
    if (spec.booleans?.includes(name)) { out.booleans[name] = true; continue; }
    const takesValue = spec.strings?.includes(name) || spec.lists?.includes(name);
    if (!takesValue) throw new UsageError(`unknown option "${arg}"${suggestion(arg, spec)}`);
    const value = match[3] ?? argv[++i];
    if (value === undefined) throw new UsageError(`option "${arg}" needs a value`);
    if (spec.lists?.includes(name)) out.lists[name].push(value); else out.strings[name] = value;
  }
  return out;
}

/** ", did you mean --x?" for the closest known option within a small edit distance, else "". */
function suggestion(arg: string, spec: ArgSpec): string {
  const typed = arg.replace(/^-+/, '').replace(/=.*$/, '');
  const known = [...(spec.booleans ?? []), ...(spec.strings ?? []), ...(spec.lists ?? [])];
  const ranked = known.map((name) => ({ name, distance: editDistance(typed, name) })).sort((a, b) => a.distance - b.distance);
  const best = ranked[0];
  if (!best || best.distance > Math.max(2, Math.floor(best.name.length / 3))) return '';
  return `; did you mean --${best.name}?`;
}

