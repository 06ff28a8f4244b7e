import pg from 'pg';
import { connectionFix, DATABASE_CHECKS, namedFix } from './checks.js';
import type { Issue } from '../issue.js';
import { finding } from './finding.js';

export interface Connection {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  ssl: boolean;
}

/** postgres://user:password@host:port/db[?sslmode=require] as a Connection. */
export function parseDatabaseUrl(url: string): Connection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a URL: "${url}" (expected postgres://user:password@host:port/database)`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new Error(`expected a postgres:// URL, got ${parsed.protocol}//`);
  const sslmode = parsed.searchParams.get('sslmode');
  return {
    host: decodeURIComponent(parsed.hostname),
    port: parsed.port ? Number(parsed.port) : 5432,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    ssl: sslmode !== null && sslmode !== 'disable',
  };
}

/**
 * The database checks of the `helm test` Pod (src/preflight/checks.ts), run with node-postgres from the
 * operator's machine. Connects once; each check's transaction is rolled back.
 */
export async function checkDatabase(label: string, connection: Connection): Promise<Issue[]> {
  const where = `${connection.user}@${connection.host}:${connection.port}/${connection.database}`;
  const client = new pg.Client({
    host: connection.host,
    port: connection.port,
    database: connection.database,
    user: connection.user,
    password: connection.password,
    // Like POSTGRES_SSL_ENABLED=true (libpq sslmode=require): encrypted, certificate not verified.
    ssl: connection.ssl ? { rejectUnauthorized: false } : false,
    connectionTimeoutMillis: 5000,
  });
  client.on('error', () => { /* a dropped connection surfaces in the next query */ });
  try {
    await client.connect();
  } catch (error) {
    const message = errorMessage(error);
    await client.end().catch(() => undefined);
    return [finding('doctor.database', 'fail', label, `cannot connect to ${where}: ${message}`, connectionFix(message))];
  }
  const findings = [finding('doctor.database', 'pass', label, `connected to ${where}`)];
  try {
    for (const check of DATABASE_CHECKS) {
      try {
        const answer = lastValue(await client.query(check.sql));
        findings.push(answer === 'ok'
          ? finding('doctor.database', 'pass', label, check.title)
          : finding('doctor.database', 'fail', label, answer ?? 'no answer', namedFix(check.fix, connection.database)));
      } catch (error) {
        findings.push(finding('doctor.database', 'fail', label, errorMessage(error), namedFix(check.fix, connection.database)));
        await client.query('ROLLBACK').catch(() => undefined);
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return findings;
}

/** The single value the check's SELECT returned (a multi-statement query answers with one result each). */
function lastValue(result: pg.QueryResult | pg.QueryResult[]): string | undefined {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results.reverse()) {
    const row = r.rows?.[0];
    if (row) return String(Object.values(row)[0]);
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  const e = error as Error & { code?: string; errors?: Error[] };
  // Connecting to a name with several addresses fails with an AggregateError whose own message is empty.
  if (!e.message && e.errors?.length) return e.errors.map((x) => x.message).join('; ');
  return e.message || e.code || String(error);
}
