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

/** A small strict parser: unknown options and missing values are errors, never ignored. */
export function parseArgs(argv: string[], spec: ArgSpec): ParsedArgs {
  const out: ParsedArgs = { booleans: {}, strings: {}, lists: {}, rest: [] };
  for (const name of spec.lists ?? []) out.lists[name] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') { out.rest = argv.slice(i + 1); break; }
    const match = /^(?:--([a-z][-a-z]*)|-([a-zA-Z]))(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected argument "${arg}"`);
    const name = match[1] ?? spec.aliases?.[match[2]];
    if (!name) throw new Error(`unknown option "${arg}"`);
    if (spec.booleans?.includes(name)) { out.booleans[name] = true; continue; }
    const takesValue = spec.strings?.includes(name) || spec.lists?.includes(name);
    if (!takesValue) throw new Error(`unknown option "${arg}"`);
    const value = match[3] ?? argv[++i];
    if (value === undefined) throw new Error(`option "${arg}" needs a value`);
    if (spec.lists?.includes(name)) out.lists[name].push(value); else out.strings[name] = value;
  }
  return out;
}
