import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestKey {
  name: string;
  /** Secret keyring file in the legacy format Helm's signer reads (gpg --export-secret-keys). */
  secring: string;
  /** Public keyring file for helm verify / pull --verify --keyring. */
  pubring: string;
  fingerprint: string;
  remove(): void;
}

/** A throwaway RSA signing key without passphrase (Helm 3's OpenPGP library has no EdDSA). */
export function makeTestKey(dir: string, name = 'retool-chart test signer'): TestKey {
  if (spawnSync('gpg', ['--version']).status !== 0) throw new Error('gpg is not installed: apt-get install gnupg (.ci/run does)');
  const home = mkdtempSync(join(tmpdir(), 'retool-chart-testkey-'));
  const gpg = (...args: string[]) => {
    const r = spawnSync('gpg', ['--homedir', home, '--batch', '--no-tty', ...args], { encoding: 'buffer' });
    if (r.status !== 0) throw new Error(`gpg ${args.join(' ')}: ${r.stderr.toString()}`);
    return r.stdout;
  };
  gpg('--passphrase', '', '--quick-gen-key', `${name} <signer@example.invalid>`, 'rsa2048', 'sign', 'never');
  const secring = join(dir, 'secring.gpg');
  const pubring = join(dir, 'pubring.gpg');
  writeFileSync(secring, gpg('--export-secret-keys'));
  writeFileSync(pubring, gpg('--export'));
  const fingerprint = gpg('--with-colons', '--list-keys').toString().split('\n').find((l) => l.startsWith('fpr:'))!.split(':')[9];
  spawnSync('gpgconf', ['--homedir', home, '--kill', 'all']);
  rmSync(home, { recursive: true, force: true });
  return { name, secring, pubring, fingerprint, remove: () => { rmSync(secring, { force: true }); rmSync(pubring, { force: true }); } };
}
