// Strings near every rule's edges: seeds, then random edits with characters that differ between dialects.
import { writeFileSync } from 'node:fs';
let a = 12345;
const rnd = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const seeds = ['a', 'abc', 'a-b', 'a.b', 'a..b', '.a', 'a.', '-a', 'a-', 'A', 'aB', '1', '123', 'a1', 'http', 'a--b', 'x/y', 'k8s.io/x', 'k8s.io/', '/x', 'a/b/c', 'A.io/x', 'k8s.IO/x',
  'app.kubernetes.io/name', 'a_b', '_a', 'a_', 'FOO_BAR', 'foo.bar', '.', '..', '..a', 'a..', '', ' ', 'a b', '\u00a0', 'a\u00a0b', 'é', 'a\u2028b', 'a\u0085b', 'a\nb',
  '10.0.0.0/8', '10.20.0.0/33', '10.0.0.300/8', '999.1.1.1/8', '0.0.0.0/0', '1.2.3.4/32', '01.2.3.4/32', '1.2.3.4/08', '10.0.0.1/8', '::/0', '::1/128', 'fd00::/8', '2001:db8::/32', '::ffff:1.2.3.4/128', '1:2:3:4:5:6:7:8/128', '1::2::3/64', 'FD00::/8', '2001:DB8::/32', '::1/129', 'fe80::/10', ':::/0', '1:2:3:4:5:6:7::/112', '::2:3:4:5:6:7:8/128',
  'a'.repeat(15), 'a'.repeat(16), 'a'.repeat(63), 'a'.repeat(64), 'a'.repeat(253), 'a'.repeat(254), `${'a'.repeat(253)}/b`, `${'a'.repeat(254)}/b`, `${'a.'.repeat(126)}a`, `k8s.io/${'b'.repeat(63)}`, `k8s.io/${'b'.repeat(64)}`];
const alphabet = ['a', 'z', 'A', 'Z', '0', '9', '-', '.', '_', '/', ':', ' ', '\u00a0', '\t', 'é', '*', '..', '--', '::', '\u2028', '\u0085', '@', '=', '1', 'f', 'F'];
const out = new Set(seeds);
while (out.size < 20000) {
  let s = pick(seeds);
  const edits = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = rnd();
    if (op < 0.4) s = s.slice(0, at) + pick(alphabet) + s.slice(at);
    else if (op < 0.7) s = s.slice(0, at) + s.slice(at + 1);
    else s = s.slice(0, at) + pick(alphabet) + s.slice(at + 1);
  }
  out.add(s);
}
writeFileSync(process.argv[2] ?? 'corpus.json', JSON.stringify([...out]));
