import { startPostgres, type LocalPostgres } from './postgres.js';
import { freePort } from './servers.js';

/** The databases the preflight cases run against, created on one local server. */
export const USER = 'retool';
export const PASSWORD = 'retool-preflight-pw';

export function setUpDatabases(pg: LocalPostgres): void {
  pg.sql(`
    CREATE ROLE ${USER} LOGIN PASSWORD '${PASSWORD}';
    -- good: owned by Retool's user, who may create tables and the (trusted) uuid-ossp extension.
    CREATE DATABASE retool_good OWNER ${USER};
    -- no-extension: the user may create tables but not extensions (no CREATE on the database).
    CREATE DATABASE retool_noext;
    GRANT CONNECT ON DATABASE retool_noext TO ${USER};
    -- serializable: otherwise good, but every transaction defaults to serializable.
    CREATE DATABASE retool_serializable OWNER ${USER};
    ALTER DATABASE retool_serializable SET default_transaction_isolation = 'serializable';
  `);
  pg.sql(`GRANT CREATE ON SCHEMA public TO ${USER};`, 'retool_noext');
}

export interface PreflightCase {
  name: string;
  database: string;
  password: string;
  /** Port to use instead of the server's (nothing listens there). */
  unreachable?: boolean;
  ok: boolean;
  /** Each must match a line of the output. */
  expect: RegExp[];
  /** None may match. */
  refuse?: RegExp[];
}

export const PREFLIGHT_CASES: PreflightCase[] = [
  {
    name: 'a good database',
    database: 'retool_good', password: PASSWORD, ok: true,
    expect: [/PASS {2}database: connected to retool@127\.0\.0\.1:\d+\/retool_good/, /PASS {2}database: server version is 13 or newer/,
      /PASS {2}database: extension uuid-ossp is available/, /PASS {2}database: extension uuid-ossp is installed or the user may create it/,
      /PASS {2}database: default isolation is read committed/, /PASS {2}database: the user can create tables/],
    refuse: [/FAIL/],
  },
  {
    name: 'uuid-ossp forbidden to the user',
    database: 'retool_noext', password: PASSWORD, ok: false,
    expect: [/FAIL {2}database: permission denied to create extension "uuid-ossp"/, /fix: as the database owner or a superuser run CREATE EXTENSION "uuid-ossp"/,
      /PASS {2}database: default isolation is read committed/, /PASS {2}database: the user can create tables/],
  },
  {
    name: 'default_transaction_isolation = serializable',
    database: 'retool_serializable', password: PASSWORD, ok: false,
    expect: [/FAIL {2}database: default_transaction_isolation is serializable, Retool needs read committed/,
      /fix: ALTER DATABASE "retool_serializable" SET default_transaction_isolation = 'read committed'/, /PASS {2}database: the user can create tables/],
  },
  {
    name: 'a wrong password',
    database: 'retool_good', password: 'wrong-password', ok: false,
    expect: [/FAIL {2}database: cannot connect to retool@127\.0\.0\.1:\d+\/retool_good: .*password authentication failed for user "retool"/,
      /fix: check the user and the password/],
    refuse: [/PASS {2}database/],
  },
  {
    name: 'an unreachable port',
    database: 'retool_good', password: PASSWORD, unreachable: true, ok: false,
    expect: [/FAIL {2}database: cannot connect to retool@127\.0\.0\.1:\d+\/retool_good: .*(Connection refused|ECONNREFUSED)/,
      /fix: check host and port, and that the network/],
    refuse: [/PASS {2}database/],
  },
];

/** Connection settings of one case on this server. */
export async function caseConnection(pg: LocalPostgres, c: PreflightCase) {
  return { host: pg.host, port: c.unreachable ? freePort() : pg.port, name: c.database, user: USER, password: c.password };
}

/** A local PostgreSQL server with the case databases set up, for a test file's `before` hook. */
export async function startCaseServer(): Promise<LocalPostgres> {
  try {
    const pg = await startPostgres();
    setUpDatabases(pg);
    return pg;
  } catch (error) {
    // uvu reports a failing hook only as skipped tests: say why.
    console.error(`cannot start the local PostgreSQL server: ${(error as Error).stack}`);
    throw error;
  }
}
