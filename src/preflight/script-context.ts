import { BLOB_STORAGE_FIX, CONNECTION_FAILURES, CONNECTION_FALLBACK_FIX, DATABASE_CHECKS, DATABASE_NAME, TEMPORAL_FIX } from './checks.js';

/** A word for bash: single-quoted when it can be (nothing inside is expanded), else double-quoted with escapes. */
export function shellQuote(text: string): string {
  if (!text.includes("'")) return `'${text}'`;
  return `"${text.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/** A `case` pattern matching a message that contains `text`, quoted so that glob characters are literal. */
function containsPattern(text: string): string {
  return `*${shellQuote(text)}*`;
}

/** What the preflight test Pod's script needs from the check table, already quoted for bash. */
export function preflightScriptContext() {
  return {
    // The SQL goes into a quoted here-document: it reads exactly as written in checks.ts.
    checks: DATABASE_CHECKS.map((c) => ({ id: c.id, title: shellQuote(c.title), sql: c.sql, fix: shellQuote(c.fix) })),
    connectionFailures: CONNECTION_FAILURES.map((f) => ({ pattern: f.patterns.map(containsPattern).join('|'), fix: shellQuote(f.fix) })),
    connectionFallbackFix: shellQuote(CONNECTION_FALLBACK_FIX),
    temporalFix: shellQuote(TEMPORAL_FIX),
    blobStorageFix: shellQuote(BLOB_STORAGE_FIX),
    // Quoted: the script replaces it in a fix with ${3//"$name"/$PGDATABASE}, a literal (quoted) pattern.
    databaseName: shellQuote(DATABASE_NAME),
  };
}
