import { readFileSync } from 'node:fs';
import type { JsonSchema } from './json-schema.js';

/** Reads the source schema; a JSON syntax error names the file, line and column. */
export function loadSchema(file: string): JsonSchema {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as JsonSchema;
  } catch (error) {
    const message = (error as Error).message;
    const offset = Number(/position (\d+)/.exec(message)?.[1] ?? NaN);
    if (Number.isNaN(offset)) throw new Error(`${file}: ${message}`);
    const before = text.slice(0, offset).split('\n');
    throw new Error(`${file}:${before.length}:${before[before.length - 1].length + 1}  ${message}`);
  }
}
