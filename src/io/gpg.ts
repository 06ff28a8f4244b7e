// Signing through GnuPG (`gpg`, Debian package gnupg): the same key files Helm's own signer takes, so a
// key already used with `helm package --sign` works unchanged.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Signer {
  fingerprint: string;
  /** The signing key's public half, ASCII-armoured, for the repository's users to verify with. */
  publicKey: string;
  /** An OpenPGP clearsigned copy of `message` (SHA-512, as Helm signs). */
  clearsign(message: string): string;
  close(): void;
}

/**
 * A signer for the one secret key whose user ID contains `key`, from a keyring file (a legacy secring.gpg
 * or any `gpg --export-secret-keys` output). The key is imported into a private, temporary GnuPG home, so
 * the user's own GnuPG state is neither read nor changed. A passphrase comes from HELM_KEY_PASSPHRASE, as for Helm.
 */
export function openSigner(keyring: string, key: string): Signer {
  const home = mkdtempSync(join(tmpdir(), 'retool-chart-gpg-'));
  const gpg = (args: string[], input?: string) => {
    const passphrase = process.env.HELM_KEY_PASSPHRASE;
    const pin = passphrase !== undefined ? ['--pinentry-mode', 'loopback', '--passphrase', passphrase] : [];
    const result = spawnSync('gpg', ['--homedir', home, '--batch', '--no-tty', '--yes', ...pin, ...args], { input, encoding: 'utf8' });
    if (result.error) {
      const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new Error(missing ? 'signing needs GnuPG: install it (apt-get install gnupg) and try again' : `gpg: ${result.error.message}`);
    }
    if (result.status !== 0) throw new Error(`gpg ${args[0]} failed: ${result.stderr.trim()}`);
    return result.stdout;
  };
  const close = () => {
    spawnSync('gpgconf', ['--homedir', home, '--kill', 'all']);
    rmSync(home, { recursive: true, force: true });
  };
  try {
    gpg(['--import', keyring]);
    const fingerprints = gpg(['--with-colons', '--list-secret-keys', key])
      .split('\n').filter((line) => line.startsWith('fpr:')).map((line) => line.split(':')[9]);
    // Subkeys have fingerprints too: the primary key's comes first after each `sec` line.
    const primaries = gpg(['--with-colons', '--list-secret-keys', key]).split('\n')
      .flatMap((line, i, lines) => (line.startsWith('sec:') && lines[i + 1]?.startsWith('fpr:') ? [lines[i + 1].split(':')[9]] : []));
    if (primaries.length !== 1) throw new Error(`${keyring}: ${primaries.length} secret keys match "${key}"; name exactly one (${fingerprints.join(', ')})`);
    const fingerprint = primaries[0];
    return {
      fingerprint,
      publicKey: gpg(['--armor', '--export', fingerprint]),
      clearsign: (message) => gpg(['--local-user', fingerprint, '--digest-algo', 'SHA512', '--clearsign'], message),
      close,
    };
  } catch (error) {
    close();
    if (error instanceof Error && /No secret key|not found/i.test(error.message)) throw new Error(`${keyring}: no secret key matches "${key}"`, { cause: error });
    throw error;
  }
}
