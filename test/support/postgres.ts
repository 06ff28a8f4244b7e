import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './servers.js';

/**
 * A throw-away PostgreSQL server for tests: Debian's binaries, a temp data directory, 127.0.0.1 on a free
 * port, password (scram) authentication over TCP, trust only on its private Unix socket for the setup.
 * initdb refuses to run as root, so under root (CI) the server runs as `nobody`.
 */
export interface LocalPostgres {
  host: string;
  port: number;
  /** Runs SQL as the superuser over the private socket; throws on error. */
  sql(statements: string, database?: string): string;
  stop(): void;
}

export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

export async function startPostgres(): Promise<LocalPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (.ci/run installs the postgresql package)');
  const dir = mkdtempSync(join(tmpdir(), 'retool-chart-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    spawnSync('chown', ['nobody', dir]);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  const run = (command: string, args: string[]): SpawnSyncReturns<string> => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'nobody', '--', command, ...args]] : [command, args];
    return spawnSync(file, argv, { encoding: 'utf8', cwd: dir });
  };
  const must = (result: SpawnSyncReturns<string>, what: string) => {
    if (result.status !== 0) throw new Error(`${what} failed (${result.status}):\n${result.stdout}\n${result.stderr}${result.error ?? ''}`);
    return result;
  };
  must(run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale=C']), 'initdb');
  const port = freePort();
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=40 -c shared_buffers=16MB`;
  must(run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']), 'pg_ctl start');
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  return {
    host: '127.0.0.1',
    port,
    sql(statements, database = 'postgres') {
      const result = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-p', String(port), '-U', 'postgres', '-d', database],
        { input: statements, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`setup SQL failed: ${result.stderr}`);
      return result.stdout;
    },
    stop,
  };
}
