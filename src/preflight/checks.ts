/**
 * The preflight checks of a Retool PostgreSQL database, as data. The `helm test` Pod's script (generated from
 * this table into chart-templates/templates/tests/preflight.yaml.hbs) and `retool-chart doctor` (through the
 * `pg` client) run the same SQL and print the same sentences and fixes.
 *
 * Every query returns one row whose single column is `ok` or a sentence saying what is wrong; a query that
 * fails (e.g. permission denied) is a failed check whose message is the server's error.
 */
export interface DatabaseCheck {
  id: string;
  /** What passes, as a sentence fragment after the database label. */
  title: string;
  sql: string;
  /** What the operator should do when the check fails; DATABASE_NAME stands for the checked database's name. */
  fix: string;
}

/**
 * Placeholder in a fix for the name of the database checked: doctor fills it in (namedFix), the `helm test`
 * script replaces it with $PGDATABASE, so both print the statement to run as it is.
 */
export const DATABASE_NAME = '{database}';

export function namedFix(fix: string, database: string): string {
  return fix.split(DATABASE_NAME).join(database.replace(/"/g, '""'));
}

/** Transactions roll back: the checks leave no trace in the database. */
export const DATABASE_CHECKS: DatabaseCheck[] = [
  {
    id: 'version',
    title: 'server version is 13 or newer',
    sql: "SELECT CASE WHEN current_setting('server_version_num')::int >= 130000 THEN 'ok' ELSE 'server version is ' || current_setting('server_version') || ', Retool needs 13 or newer' END",
    fix: 'upgrade the server to PostgreSQL 13 or newer',
  },
  {
    id: 'uuid-ossp-available',
    title: 'extension uuid-ossp is available on the server',
    sql: "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'uuid-ossp') THEN 'ok' ELSE 'extension uuid-ossp is not installed on the server' END",
    fix: 'install the PostgreSQL contrib modules on the server (Debian: postgresql-contrib; managed services ship uuid-ossp)',
  },
  {
    id: 'uuid-ossp-usable',
    title: 'extension uuid-ossp is installed or the user may create it',
    sql: 'BEGIN; CREATE EXTENSION IF NOT EXISTS "uuid-ossp"; SELECT \'ok\'; ROLLBACK',
    fix: 'as the database owner or a superuser run CREATE EXTENSION "uuid-ossp"; in this database, or GRANT CREATE ON DATABASE to Retool\'s user',
  },
  {
    id: 'isolation',
    title: 'default isolation is read committed',
    sql: "SELECT CASE WHEN current_setting('default_transaction_isolation') = 'read committed' THEN 'ok' ELSE 'default_transaction_isolation is ' || current_setting('default_transaction_isolation') || ', Retool needs read committed' END",
    fix: `ALTER DATABASE "${DATABASE_NAME}" SET default_transaction_isolation = 'read committed' (or set it in the server's parameters)`,
  },
  {
    id: 'create-table',
    title: 'the user can create tables',
    sql: "BEGIN; CREATE TABLE retool_preflight_probe (id integer); SELECT 'ok'; ROLLBACK",
    fix: "GRANT CREATE ON SCHEMA public TO Retool's user (PostgreSQL 15 no longer grants it to everyone), or make the user the database owner",
  },
];

/** Why a connection failed, recognised from libpq's (psql) and node-postgres's messages, with the fix. */
export interface ConnectionFailure {
  /** Substrings of the error message (case-sensitive, as both clients print them). */
  patterns: string[];
  fix: string;
}

export const CONNECTION_FAILURES: ConnectionFailure[] = [
  { patterns: ['password authentication failed', 'no password supplied', 'SASL'], fix: "check the user and the password (the database's password value or the Secret key it names)" },
  { patterns: ['no pg_hba.conf entry'], fix: "allow the cluster's addresses in the server's pg_hba.conf / firewall rules, with or without SSL as the ssl value says" },
  { patterns: ['does not exist'], fix: 'create the database and the user first, or correct their names in the values' },
  { patterns: ['SSL', 'ssl'], fix: 'set ssl to match the server: true when it requires SSL, false when it does not offer it' },
  {
    patterns: ['Connection refused', 'ECONNREFUSED', 'timeout', 'timed out', 'ETIMEDOUT', 'could not translate host name', 'ENOTFOUND', 'EAI_AGAIN', 'No route to host', 'EHOSTUNREACH'],
    fix: 'check host and port, and that the network (NetworkPolicy, security groups, firewall) lets the cluster reach the server',
  },
];

export const CONNECTION_FALLBACK_FIX = 'check host, port, user, password and ssl of this database in the values';

export function connectionFix(message: string): string {
  return CONNECTION_FAILURES.find((f) => f.patterns.some((p) => message.includes(p)))?.fix ?? CONNECTION_FALLBACK_FIX;
}

export const TEMPORAL_FIX = 'check temporal.external.host/port (or that the in-release frontend is running), DNS, and that NetworkPolicies and firewalls allow the connection';
/** Retool 4.x keeps apps, Git repositories and sandbox snapshots in blob storage: its endpoint must answer. */
export const BLOB_STORAGE_FIX = 'check blobStorage (the S3 endpoint or region, the Azure account URL; or that the in-release store is running), DNS, and that NetworkPolicies (networkPolicy.blobStorage) and firewalls allow the connection';
