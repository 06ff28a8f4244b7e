// What `npm test` needs from the machine, set up before any test file runs (test/run.ts): the system
// programs some test files use, installed from Debian when missing (CI runs as root on Debian), and the
// local control plane's binaries, built once into their cache (test/cluster/build.ts). A failure names the
// test files that need the missing piece and how to get it.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBinaries } from '../cluster/build.js';

export interface Requirement {
  /** What is missing, in words. */
  what: string;
  present: () => boolean;
  /** Debian packages that provide it. */
  packages: string[];
  /** Test files that need it. */
  files: string[];
}

const onPath = (name: string) => () => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
const postgresServer = () => existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(join('/usr/lib/postgresql', v, 'bin/initdb')));

/** Files that run on the local control plane, whose binaries setup builds (the fuzz run with FUZZ_SERVER=1). */
export const CLUSTER_FILES = ['cluster-install.test.ts', 'doctor-cluster.test.ts', ...(process.env.FUZZ_SERVER === '1' ? ['fuzz.test.ts'] : [])];

export const REQUIREMENTS: Requirement[] = [
  { what: 'GnuPG (gpg)', present: onPath('gpg'), packages: ['gnupg'], files: ['publish.test.ts', 'oci.test.ts'] },
  { what: 'an OCI registry (docker-registry)', present: onPath('docker-registry'), packages: ['docker-registry'], files: ['oci.test.ts'] },
  { what: 'the PostgreSQL server (initdb)', present: postgresServer, packages: ['postgresql', 'postgresql-contrib'], files: ['preflight.test.ts', 'doctor.test.ts'] },
  { what: 'the PostgreSQL client (psql)', present: onPath('psql'), packages: ['postgresql-client'], files: ['preflight.test.ts'] },
  { what: 'script(1), for a pty', present: onPath('script'), packages: ['bsdutils'], files: ['cli-operator.test.ts'] },
  { what: 'openssl', present: onPath('openssl'), packages: ['openssl'], files: CLUSTER_FILES },
  { what: 'ip (iproute2), for the network namespace', present: onPath('ip'), packages: ['iproute2'], files: CLUSTER_FILES },
];


/** The requirements missing for these test files. */
export function missing(files: readonly string[]): Requirement[] {
  return REQUIREMENTS.filter((r) => r.files.some((f) => files.includes(f)) && !r.present());
}

function installFromApt(requirements: Requirement[], log: (line: string) => void): void {
  const packages = [...new Set(requirements.flatMap((r) => r.packages))];
  log(`setup: installing ${packages.join(' ')} from apt (${requirements.map((r) => `${r.what} for ${r.files.join(', ')}`).join('; ')})`);
  // A policy-rc.d (only when the machine has none) keeps the packages from starting their own registry and
  // PostgreSQL services; the tests start theirs on free ports.
  const policy = '/usr/sbin/policy-rc.d';
  const ours = !existsSync(policy);
  if (ours) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...packages]]) {
      const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    }
  } finally {
    if (ours) rmSync(policy, { force: true });
  }
}

/**
 * Makes the machine ready for these test files, or throws naming what is missing, which files need it and how
 * to get it. Progress goes to `log`.
 */
export function setUp(files: readonly string[], log: (line: string) => void): void {
  let absent = missing(files);
  if (absent.length) {
    const root = process.getuid?.() === 0;
    const apt = onPath('apt-get')();
    if (!root || !apt) {
      throw new Error(absent.map((r) => `${r.what} is missing, needed by ${r.files.join(', ')}: apt-get install ${r.packages.join(' ')}`).join('\n') +
        `\n(npm test installs them itself when it runs as root on a machine with apt-get${root ? '' : '; it is not root here'})`);
    }
    installFromApt(absent, log);
    absent = missing(files);
    if (absent.length) throw new Error(`still missing after apt-get install: ${absent.map((r) => r.what).join(', ')}`);
  }
  if (files.some((f) => CLUSTER_FILES.includes(f))) {
    try {
      const build = ensureBinaries((line) => log(`setup: ${line.trim()}`));
      log(`setup: control plane binaries ${build.seconds ? `built in ${build.seconds.toFixed(0)} s` : 'cached'} (${build.bin})`);
    } catch (err) {
      throw new Error(`the local control plane for ${CLUSTER_FILES.join(', ')} could not be built: ${(err as Error).message}`, { cause: err });
    }
  }
}
