import { gzipSync } from 'node:zlib';

/** One regular file of an archive. */
export interface TarEntry {
  path: string;
  content: Buffer;
}

const BLOCK = 512;

/**
 * A gzipped POSIX ustar archive whose bytes depend only on the entries and `mtime`: entries in the given
 * order, regular files only (no directory entries, as Helm writes), mode 0644, owner 0:0 without names,
 * one fixed mtime, and a gzip header without a timestamp or file name. Helm's own `helm package` takes
 * the mtimes of the files (Helm 4) or the clock (Helm 3), so it cannot give this.
 */
export function deterministicTgz(entries: TarEntry[], mtime: number): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    blocks.push(header(entry.path, entry.content.length, mtime), entry.content);
    const pad = (BLOCK - (entry.content.length % BLOCK)) % BLOCK;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  // zlib's gzip header carries mtime 0 and no name; level 9 pinned so the deflate stream never follows a default.
  return gzipSync(Buffer.concat(blocks), { level: 9, memLevel: 8, windowBits: 15, strategy: 0 });
}

function header(path: string, size: number, mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  const [prefix, name] = splitPath(path);
  block.write(name, 0, 100, 'utf8');
  octal(block, 100, 8, 0o644);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, mtime);
  block.fill(' ', 148, 156); // checksum field counts as spaces while summing
  block.write('0', 156, 1, 'ascii'); // regular file
  block.write('ustar\u000000', 257, 8, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return block;
}

function octal(block: Buffer, offset: number, width: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 8 ** (width - 1)) throw new Error(`tar: ${value} does not fit a ${width}-byte header field`);
  block.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'ascii');
}

/** ustar keeps names up to 100 bytes, longer paths split at a slash into a 155-byte prefix. */
function splitPath(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new Error(`tar: path too long for a ustar archive: ${path}`);
}
