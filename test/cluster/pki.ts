// The control plane's certificates and keys, made with openssl in the state directory.
//
// One CA signs the API server's serving certificate (the names and IPs a client inside the cluster or on
// loopback dials: 127.0.0.1, the `kubernetes` Service's ClusterIP 10.96.0.1, kubernetes.default.svc, …) and
// the admin client certificate (O=system:masters, as envtest's admin user), which every component and every
// client of this test cluster uses. sa.key/sa.pub sign and verify ServiceAccount tokens (ES256). Every key is
// ECDSA P-256: a tenth of the time RSA keys take to make on a loaded machine.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  saKey: string;
  saPub: string;
}

export const SERVICE_IP = '10.96.0.1';
const SERVER_NAMES = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
const SERVER_IPS = ['127.0.0.1', SERVICE_IP];

export function makePki(dir: string): Pki {
  const f = (name: string) => join(dir, name);
  const pki: Pki = {
    caCert: f('ca.crt'), caKey: f('ca.key'),
    serverCert: f('apiserver.crt'), serverKey: f('apiserver.key'),
    adminCert: f('admin.crt'), adminKey: f('admin.key'),
    saKey: f('sa.key'), saPub: f('sa.pub'),
  };
  for (const key of [pki.caKey, pki.serverKey, pki.adminKey, pki.saKey]) openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  openssl(['pkey', '-in', pki.saKey, '-pubout', '-out', pki.saPub]);
  openssl(['req', '-x509', '-new', '-key', pki.caKey, '-subj', '/CN=retool-chart-test-ca', '-days', '3650', '-sha256',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', pki.caCert]);
  const san = [...SERVER_IPS.map((ip) => `IP:${ip}`), ...SERVER_NAMES.map((n) => `DNS:${n}`)].join(',');
  sign(dir, 'apiserver', pki, '/CN=kube-apiserver', [`subjectAltName=${san}`, 'extendedKeyUsage=serverAuth']);
  sign(dir, 'admin', pki, '/O=system:masters/CN=admin', ['extendedKeyUsage=clientAuth']);
  return pki;
}

function sign(dir: string, name: 'apiserver' | 'admin', pki: Pki, subject: string, extensions: string[]): void {
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', ...extensions, ''].join('\n'));
  const key = name === 'apiserver' ? pki.serverKey : pki.adminKey;
  const cert = name === 'apiserver' ? pki.serverCert : pki.adminCert;
  openssl(['req', '-new', '-key', key, '-subj', subject, '-out', csr]);
  openssl(['x509', '-req', '-in', csr, '-CA', pki.caCert, '-CAkey', pki.caKey, '-set_serial', `0x${randomBytes(16).toString('hex')}`,
    '-days', '365', '-sha256', '-extfile', ext, '-out', cert]);
}

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.error?.message ?? r.stderr.trim()}`);
}
