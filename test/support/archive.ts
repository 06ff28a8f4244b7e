import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface ArchivedFile {
  path: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  content: Buffer;
}

/** The entries of a .tgz, read independently of the code that wrote it. */
export function readTgz(file: string): ArchivedFile[] {
  const tar = gunzipSync(readFileSync(file));
  const out: ArchivedFile[] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const text = (from: number, len: number) => header.toString('utf8', from, from + len).replace(/\0.*$/s, '');
    const num = (from: number, len: number) => parseInt(text(from, len).trim() || '0', 8);
    const prefix = text(345, 155);
    const size = num(124, 12);
    out.push({
      path: prefix ? `${prefix}/${text(0, 100)}` : text(0, 100),
      mode: num(100, 8), uid: num(108, 8), gid: num(116, 8), mtime: num(136, 12),
      content: tar.subarray(at + 512, at + 512 + size),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
