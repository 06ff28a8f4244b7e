// Real servers on 127.0.0.1 for the publishing tests, each in its own process (the tests call helm
// synchronously, which would block an in-process server), started and stopped by the tests.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Server {
  url: string;
  /** host:port */
  address: string;
  stop(): void;
}

// A static file server: GET of files under the root, 404 otherwise; prints its port once listening.
const STATIC_SERVER = `
const http = require('node:http'), fs = require('node:fs'), path = require('node:path');
const root = path.resolve(process.argv[1]);
const server = http.createServer((req, res) => {
  const file = path.join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-length': fs.statSync(file).size });
  fs.createReadStream(file).pipe(res);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

export async function startStaticServer(root: string): Promise<Server> {
  const child = spawn(process.execPath, ['-e', STATIC_SERVER, root], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`static server exited with ${code}`)));
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  return { url: `http://127.0.0.1:${port}`, address: `127.0.0.1:${port}`, stop: () => stop(child) };
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * GET from a child process: test/policy.test.ts refuses every socket of the test process (uvu loads all test
 * files into one), and a synchronous call suits the synchronous helm calls around it.
 */
export function httpGet(url: string, headers: Record<string, string> = {}): HttpResponse {
  const script = `fetch(process.argv[1], { headers: JSON.parse(process.argv[2]) }).then(async (r) =>
    process.stdout.write(JSON.stringify({ status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() })),
    () => process.stdout.write(JSON.stringify({ status: 0, headers: {}, body: '' })))`;
  // The editor schema is over a MiB once JSON-escaped: spawnSync's default maxBuffer would cut it off.
  const r = spawnSync(process.execPath, ['-e', script, url, JSON.stringify(headers)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`GET ${url}: ${r.stderr}`);
  return JSON.parse(r.stdout) as HttpResponse;
}

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** Debian's docker-registry (distribution 2.x) with filesystem storage in a temp dir. */
export async function startRegistry(): Promise<Server> {
  if (!hasCommand('docker-registry')) throw new Error('docker-registry is not installed: apt-get install docker-registry (.ci/run does)');
  const dir = mkdtempSync(join(tmpdir(), 'retool-chart-registry-'));
  const port = freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(config, [
    'version: 0.1',
    'log: { level: error }',
    `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
    `http: { addr: "127.0.0.1:${port}" }`,
    '',
  ].join('\n'));
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${log}`);
    if (httpGet(`${url}/v2/`).status === 200) break;
    if (attempt > 100) { stop(child); throw new Error(`docker-registry did not answer on ${url}: ${log}`); }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    address: `127.0.0.1:${port}`,
    stop: () => { stop(child); rmSync(dir, { recursive: true, force: true }); },
  };
}

/**
 * A TCP port free on 127.0.0.1 right now, asked of the OS by a child process: test/policy.test.ts trips on any
 * socket or DNS use in its test process (see httpGet).
 */
export function freePort(): number {
  const script = "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); })";
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  const port = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isInteger(port) || port <= 0) throw new Error(`could not find a free port (status ${result.status}, ${result.error ?? ''}): ${result.stdout} ${result.stderr}`);
  return port;
}

function stop(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}
