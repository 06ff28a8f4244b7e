import { formatIssue, type Issue } from '../issue.js';
import { finding, pointValues, statusOf, type Status } from '../preflight/finding.js';
import { projectModel } from '../project-model.js';
import { checkDatabase, parseDatabaseUrl, type Connection } from '../preflight/database-doctor.js';
import { adviseValues } from '../preflight/values-advice.js';
import { adviseVersion } from '../preflight/version-advice.js';
import { releaseFacts } from '../schema/releases.js';
import { UsageError } from './args.js';
import { clusterFindings, CLUSTER_ONLY } from './doctor-cluster.js';
import { selfCommand } from './invocation.js';
import { parseCommand } from './specs.js';
import { progress, styleFor } from './style.js';
import { checkValues } from './values-args.js';

const URL_OPTION: Record<string, string> = { database: 'database-url', retoolDatabase: 'retooldb-url' };

/**
 * `retool-chart doctor -f values.yaml [--cluster [--context C] [-n NS]] [--database-url URL] [--output json]`:
 * the values are validated, then advised on (no cluster needed), then with --cluster checked against the
 * live cluster (read-only: ./doctor-cluster.ts), then each database is checked with the same SQL as the
 * `helm test` Pod.
 */
export async function doctorCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, 'doctor');
  const json = args.strings.output === 'json';
  const stray = CLUSTER_ONLY.find((name) => args.strings[name] !== undefined);
  if (stray && !args.booleans.cluster) throw new UsageError(`--${stray} is an option of --cluster; add --cluster to check the cluster`);
  const urls = Object.fromEntries(Object.entries(URL_OPTION).map(([key, option]) => [key, args.strings[option]]));
  const explicit = Object.fromEntries(Object.entries(urls).filter(([, url]) => url !== undefined).map(([key, url]) => {
    try {
      return [key, parseDatabaseUrl(url!)];
    } catch (error) {
      throw new UsageError(`--${URL_OPTION[key]}: ${(error as Error).message}`);
    }
  })) as Record<string, Connection>;

  const { values, issues } = await checkValues(args);
  if (issues.length) {
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, issues, findings: [] }, null, 2)}\n`);
    else process.stderr.write(`${issues.map(formatIssue).join('\n')}\n${issues.length} error(s); fix the values first (${selfCommand()} validate)\n`);
    return 1;
  }
  const model = projectModel();
  const findings = [...adviseValues(values, model.components), ...adviseVersion(values, releaseFacts(model.schema), today())];
  if (args.booleans.cluster) findings.push(...clusterFindings(args, values, model));
  for (const db of model.databases) {
    const settings = values[db.key] as Record<string, any>;
    if (settings.mode === 'disabled') continue;
    if (args.booleans['no-database']) continue;
    if (explicit[db.key]) findings.push(...urlAgainstValues(db.key, settings, explicit[db.key]));
    const connection = explicit[db.key] ?? connectionFromValues(db.key, settings, findings);
    if (!connection) continue;
    progress(`connecting to ${db.key} at ${connection.host}:${connection.port}`);
    findings.push(...await checkDatabase(db.key, connection));
  }
  const located = pointValues(findings, Object.keys(model.schema.properties ?? {}));
  const ok = !located.some((f) => f.severity === 'error');
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok, issues: [], findings: located }, null, 2)}\n`);
  } else {
    process.stdout.write(formatFindings(located, styleFor(process.stdout)));
    const counts = (status: Status) => located.filter((f) => statusOf(f) === status).length;
    const cluster = args.booleans.cluster ? '' : ` \`${selfCommand()} doctor --cluster\` checks the values against your cluster (read-only).`;
    process.stdout.write(`\n${counts('fail')} failed, ${counts('warn')} warning(s), ${counts('pass')} passed. After installing, \`helm test <release>\` runs the database and Temporal checks from inside the cluster.${cluster}\n`);
  }
  return ok ? 0 : 1;
}

/**
 * --database-url checks the server it names, but the chart connects where the values say: every difference
 * (host, port, user, database, ssl) is a warning, so a check that passed on another server is not taken for
 * this one.
 */
export function urlAgainstValues(key: string, settings: Record<string, any>, url: Connection): Issue[] {
  const option = `--${URL_OPTION[key]}`;
  if (settings.mode === 'embedded') {
    return [finding('doctor.database-url', 'warn', key, `${option} checks ${url.host}:${url.port}, but the values run this database inside the release`, `set ${key}.mode: external with that server, or drop ${option} and run \`helm test\` after install`)];
  }
  const e = settings.external ?? {};
  const fields: Array<[string, unknown, unknown]> = [
    ['host', url.host, e.host], ['port', url.port, Number(e.port)], ['user', url.user, e.user], ['database', url.database, e.name], ['ssl', url.ssl, e.ssl === true],
  ];
  const differ = fields.filter(([, given, values]) => given !== values);
  if (!differ.length) return [];
  const keyOf: Record<string, string> = { database: 'name' };
  return [finding('doctor.database-url', 'warn', key,
    `${option} differs from the values: ${differ.map(([field, given, values]) => `${field} ${String(given)} (values: ${String(values)})`).join(', ')}; the chart will connect where the values say, not to the server checked here`,
    `make ${differ.map(([field]) => `${key}.external.${keyOf[field] ?? field}`).join(', ')} match the server, or pass the URL of the database the values name`)];
}

/** The external connection the values describe, if its password is readable here; otherwise says why not. */
function connectionFromValues(key: string, settings: Record<string, any>, findings: Issue[]): Connection | undefined {
  if (settings.mode === 'embedded') {
    findings.push(finding('doctor.database', 'info', key, 'runs inside the release; `helm test` checks it after install', `or pass --${URL_OPTION[key]} to check a server from here`));
    return undefined;
  }
  const e = settings.external ?? {};
  if (typeof e.password !== 'string') {
    const ref = e.password?.secretKeyRef;
    findings.push(finding('doctor.database', 'info', key,
      `the password is in Secret ${ref?.name ?? '?'} (key ${ref?.key ?? '?'}), not readable from the values; database not checked`,
      `pass --${URL_OPTION[key]} postgres://${e.user}:<password>@${e.host}:${e.port}/${e.name}, or run \`helm test\` after install`));
    return undefined;
  }
  return { host: e.host, port: Number(e.port), database: e.name, user: e.user, password: e.password, ssl: e.ssl === true };
}

export function formatFindings(findings: Issue[], style = styleFor(process.stdout)): string {
  const paint = { pass: style.green, fail: style.red, warn: style.yellow, info: style.dim };
  return findings.map((f) => {
    const status = statusOf(f);
    const head = `${paint[status](status.toUpperCase().padEnd(4))}  ${f.path}: ${f.message}  ${style.dim(`[${f.code}]`)}`;
    return f.fix && status !== 'pass' ? `${head}\n      fix: ${f.fix}\n` : `${head}\n`;
  }).join('');
}

/** Today as YYYY-MM-DD (UTC); RETOOL_CHART_TODAY pins it, so a support window can be checked as of any day. */
function today(): string {
  const pinned = process.env.RETOOL_CHART_TODAY;
  if (pinned && /^\d{4}-\d{2}-\d{2}$/.test(pinned)) return pinned;
  return new Date().toISOString().slice(0, 10);
}
