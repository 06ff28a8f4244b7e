import { chmodSync, closeSync, fsyncSync, lstatSync, openSync, readlinkSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/*
 * The files a command writes for the user (`init -o`, `init --secret-manifest`, `import -o`) land together or
 * not at all: every file is first written in full to a temp file beside its target, and only when all of them
 * are on disk are they renamed into place. A full disk, an unwritable folder or a bad target stops the command
 * before anything is replaced, with one line naming the path.
 */

export interface OutputFile {
  file: string;
  content: string;
  /** Permission bits of the new file (default 0644); applied after writing, so the umask cannot widen or narrow them. */
  mode?: number;
}

export interface WriteOutputsOptions {
  /** Replace an existing regular file. */
  overwrite?: boolean;
  /** Replace a symbolic link (the link itself: its target is never written). */
  replaceLinks?: boolean;
}

/** What `--force` allows: replacing an existing file or link. */
export const FORCE: WriteOutputsOptions = { overwrite: true, replaceLinks: true };

/** A write the command refused or could not do; its message is the one line the user sees. */
export class OutputError extends Error {}

const ERRNO_WORDS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'the folder does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EIO: 'input/output error',
};

/** One line for a failed file operation: the path, what went wrong in words, and the errno code. */
export function describeIoError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words = (code && ERRNO_WORDS[code]) ?? (error as Error).message.replace(/^[A-Z]+: /, '').split(',')[0];
  return `cannot write ${path}: ${words}${code ? ` (${code})` : ''}`;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Why `file` may not be written (undefined: it may). Never follows a symbolic link. */
export function refusalFor(file: string, options: WriteOutputsOptions): string | undefined {
  let stats: Stats;
  try {
    stats = lstatSync(file);
  } catch {
    return undefined; // nothing there yet (an unreachable folder is reported when writing)
  }
  if (stats.isSymbolicLink()) {
    return options.replaceLinks ? undefined : `${file} is a symbolic link (to ${readlinkSync(file)}); nothing is written through a link: name its target${options.overwrite ? '' : ', or pass --force to replace the link itself'}`;
  }
  if (!stats.isFile()) return `${file} is ${kindOf(stats)}, not a regular file; nothing written (name a file)`;
  return options.overwrite ? undefined : `${file} exists; pass --force to overwrite it`;
}

/** Writes every file or none (see above); a target `refusalFor` refuses stops it before any write. */
export function writeOutputs(outputs: readonly OutputFile[], options: WriteOutputsOptions = {}): void {
  for (const { file } of outputs) {
    const refusal = refusalFor(file, options);
    if (refusal) throw new OutputError(refusal);
  }
  const temps: Array<{ temp: string; file: string }> = [];
  try {
    for (const { file, content, mode = 0o644 } of outputs) {
      const temp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
      temps.push({ temp, file });
      writeDurably(temp, content, mode);
    }
  } catch (error) {
    for (const { temp } of temps) rmSync(temp, { force: true });
    throw new OutputError(describeIoError(temps[temps.length - 1].file, error));
  }
  for (const [index, { temp, file }] of temps.entries()) {
    try {
      renameSync(temp, file);
    } catch (error) {
      for (const rest of temps.slice(index)) rmSync(rest.temp, { force: true });
      throw new OutputError(describeIoError(file, error));
    }
  }
}

/** Writes, flushes to the disk (so a full disk fails here, not after the rename) and sets the mode. */
function writeDurably(file: string, content: string, mode: number): void {
  rmSync(file, { force: true }); // a temp file left by a killed run of the same pid
  const fd = openSync(file, 'wx', 0o600);
  try {
    const bytes = Buffer.from(content, 'utf8');
    for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(file, mode);
}
