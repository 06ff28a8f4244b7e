// What the commands write for the user: both files or neither, never through a link or onto a device, and
// I/O failures (a full disk, a missing folder) as one line with the path and a non-zero exit.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OutputError, writeOutputs } from '../src/io/write-outputs.js';
import { FIXTURES, ROOT } from './support/paths.js';

const BIN = join(ROOT, 'bin/retool-chart.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
const sh = (command: string) => spawnSync('sh', ['-c', command], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
const dir = mkdtempSync(join(tmpdir(), 'retool-chart-outputs-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const INIT = ['init', '--no-input', '--profile', 'evaluation', '--database', 'embedded', '--temporal', 'retoolManaged', '--ingress-host', ''];
const OFFICIAL = join(ROOT, 'test/fixtures/official/defaults.official.yaml');

/** No stack trace, exactly one line of complaint. */
function oneLine(stderr: string): string {
  assert.not.match(stderr, /\n\s+at /, `a stack trace:\n${stderr}`);
  return stderr.trim();
}

test('init -o onto a symbolic link: refused without --force (the link and its target untouched); --force replaces the link, not its target', () => {
  const target = join(dir, 'kept.yaml');
  const link = join(dir, 'link.yaml');
  writeFileSync(target, 'mine: true\n');
  symlinkSync(target, link);
  const refused = cli(...INIT, '-o', link);
  assert.is(refused.status, 2, refused.stderr);
  assert.match(oneLine(refused.stderr), /link\.yaml is a symbolic link \(to .*kept\.yaml\).*--force/);
  assert.is(readlinkSync(link), target);
  assert.is(readFileSync(target, 'utf8'), 'mine: true\n');

  const forced = cli(...INIT, '--force', '-o', link);
  assert.is(forced.status, 0, forced.stderr);
  assert.ok(lstatSync(link).isFile(), 'the link became a regular file');
  assert.match(readFileSync(link, 'utf8'), /profile: evaluation/);
  assert.is(readFileSync(target, 'utf8'), 'mine: true\n', 'the link\'s target was not written');
});

test('init --force -o /dev/full: a device is never replaced; the write is refused with one line', () => {
  const before = statSync('/dev/full');
  const result = cli(...INIT, '--force', '-o', '/dev/full');
  assert.is(result.status, 2, result.stderr);
  assert.match(oneLine(result.stderr), /\/dev\/full is a character device, not a regular file/);
  const after = statSync('/dev/full');
  assert.ok(after.isCharacterDevice() && after.rdev === before.rdev, '/dev/full is still the device');
});

test('init with a secret manifest that cannot be written: exit 1, one line naming it, and no values file either', () => {
  const values = join(dir, 'both-or-none.yaml');
  const secret = join(dir, 'no-such-folder', 'secret.yaml');
  const result = cli(...INIT, '-o', values, '--secret-manifest', secret);
  assert.is(result.status, 1, result.stderr);
  assert.match(oneLine(result.stderr), new RegExp(`cannot write ${secret.replace(/[/.]/g, '\\$&')}: the folder does not exist \\(ENOENT\\)`));
  assert.not.ok(existsSync(values), 'the values file was not written');
  assert.equal(readdirSync(dir).filter((name) => name.includes('.tmp-')), [], 'no temp file left');
});

test('init onto a really full disk (a 64 KiB tmpfs, nearly filled): one line with ENOSPC, exit 1, neither file written, no temp left', () => {
  // A mount namespace of our own (unshare -rm): the tmpfs exists only for this shell.
  const mnt = join(dir, 'full');
  mkdirSync(mnt);
  const script = [
    `mount -t tmpfs -o size=64k tmpfs ${mnt}`,
    `dd if=/dev/zero of=${mnt}/filler bs=1k count=60 2>/dev/null`,
    `${process.execPath} ${BIN} ${INIT.map((a) => `'${a}'`).join(' ')} -o ${mnt}/values.yaml --secret-manifest ${mnt}/secret.yaml; echo "exit $?"`,
    `ls -A ${mnt}`,
  ].join(' && ');
  const result = spawnSync('unshare', ['-rm', 'sh', '-c', script], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  assert.match(result.stdout, /^exit 1\nfiller\n$/, `${result.stdout}\n${result.stderr}`);
  assert.match(oneLine(result.stderr), /^retool-chart init: cannot write .*\/full\/(values|secret)\.yaml: no space left on the device \(ENOSPC\)$/);
});

test('writeOutputs: when a later file cannot be staged, the earlier target is untouched and its temp file removed', () => {
  const folder = join(dir, 'atomic');
  mkdirSync(folder);
  writeFileSync(join(folder, 'a.yaml'), 'old a\n');
  assert.throws(() => writeOutputs([{ file: join(folder, 'a.yaml'), content: 'new a\n' }, { file: join(dir, 'gone', 'b.yaml'), content: 'b\n' }], { overwrite: true }),
    (error: Error) => error instanceof OutputError && /cannot write .*gone\/b\.yaml: the folder does not exist/.test(error.message));
  assert.is(readFileSync(join(folder, 'a.yaml'), 'utf8'), 'old a\n');
  assert.equal(readdirSync(folder), ['a.yaml']);
});

test('output into a full disk (stdout is /dev/full): one line, exit 1; a reader that goes away (| head) is no error', () => {
  const fixture = join(FIXTURES, 'in-cluster.values.yaml');
  for (const command of [['validate', '-f', fixture], ['render', '-f', fixture], ['explain', '-f', fixture]]) {
    const full = sh(`node ${BIN} ${command.join(' ')} > /dev/full`);
    assert.is(full.status, 1, `${command[0]}: ${full.stderr}`);
    assert.match(oneLine(full.stderr.split('\n').filter((l) => !/rendered with/.test(l)).join('\n')), /^retool-chart: cannot write standard output: no space left on the device \(ENOSPC\)$/);
  }
  const piped = sh(`node ${BIN} render -f ${fixture} | head -c 10 >/dev/null`);
  assert.not.match(piped.stderr, /EPIPE|\n\s+at /, piped.stderr);
});

test('import -o onto a symbolic link or a device: refused (it replaces a regular file, never a link target or a device)', () => {
  const target = join(dir, 'import-target.yaml');
  const link = join(dir, 'import-link.yaml');
  writeFileSync(target, 'mine: true\n');
  symlinkSync(target, link);
  for (const out of [link, '/dev/null']) {
    const result = cli('import', '-f', OFFICIAL, '-o', out, '--allow-dropped');
    assert.is(result.status, 1, result.stderr);
    assert.match(result.stderr.trim().split('\n').pop()!, /symbolic link|character device/);
  }
  assert.is(readFileSync(target, 'utf8'), 'mine: true\n');
  const regular = join(dir, 'import-regular.yaml');
  writeFileSync(regular, 'old\n');
  const replaced = cli('import', '-f', OFFICIAL, '-o', regular, '--allow-dropped');
  assert.is(replaced.status, 0, replaced.stderr);
  assert.not.equal(readFileSync(regular, 'utf8'), 'old\n');
});

test.run();
