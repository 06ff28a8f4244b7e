// The only way into the control plane's network namespace: a byte-for-byte TCP relay through a unix socket.
//
// The namespace has nothing but loopback, so the host cannot dial its 127.0.0.1:6443. A unix socket is a file,
// and files are shared between network namespaces: `inner` runs inside the namespace, accepts on the socket and
// dials the API server there; `outer` runs on the host, listens on 127.0.0.1:<free port> and dials the socket.
// TLS passes through untouched (the serving certificate names 127.0.0.1), so a kubeconfig pointing at the
// outer port works from the host with the same CA and admin certificate.
//
//   node --import tsx test/cluster/bridge.ts inner <socket> <host:port>
//   node --import tsx test/cluster/bridge.ts outer <socket> <port-file>

import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';

function pipe(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const close = () => { a.destroy(); b.destroy(); };
  a.on('error', close).on('close', close);
  b.on('error', close).on('close', close);
}

function main(): void {
  const [mode, socket, target] = process.argv.slice(2);
  if (mode === 'inner' && socket && target) {
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    rmSync(socket, { force: true });
    const server = createServer((client) => pipe(client, connect(port, host))).listen(socket);
    stopOn(server);
  } else if (mode === 'outer' && socket && target) {
    const server = createServer((client) => pipe(client, connect(socket))).listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('no TCP address');
      writeFileSync(`${target}.tmp`, `${address.port}\n`);
      renameSync(`${target}.tmp`, target);
    });
    stopOn(server);
  } else {
    process.stderr.write('usage: bridge.ts inner <socket> <host:port> | outer <socket> <port-file>\n');
    process.exit(2);
  }
}

function stopOn(server: ReturnType<typeof createServer>): void {
  server.on('error', (err) => { process.stderr.write(`bridge: ${err.message}\n`); process.exit(1); });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => { server.close(); process.exit(0); });
}

main();
