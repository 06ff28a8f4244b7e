// The helm test Pod's script, taken from the render and run with the local bash and psql against a real
// PostgreSQL server (started here, on 127.0.0.1, with a temp data directory).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type LocalPostgres } from './support/postgres.js';
import { freePort } from './support/servers.js';
import { PASSWORD, PREFLIGHT_CASES, USER, caseConnection, startCaseServer } from './support/preflight-cases.js';
import { externalValues, renderPreflight, runPreflightPod } from './support/preflight.js';

let pg: LocalPostgres;

test.before(async () => {
  pg = await startCaseServer();
});

test.after(() => pg?.stop());

function expectOutput(output: string, expect: RegExp[], refuse: RegExp[] = []) {
  for (const pattern of expect) assert.ok(output.split('\n').some((line) => pattern.test(line)), `expected ${pattern} in:\n${output}`);
  for (const pattern of refuse) assert.not.ok(pattern.test(output), `did not expect ${pattern} in:\n${output}`);
}

for (const c of PREFLIGHT_CASES) {
  test(`helm test script, ${c.name}: ${c.ok ? 'passes' : 'fails'} with the right message`, async () => {
    const { pod, secret } = renderPreflight(externalValues(await caseConnection(pg, c)));
    const { status, output } = runPreflightPod(pod, secret);
    assert.is(status, c.ok ? 0 : 1, output);
    expectOutput(output, c.expect, c.refuse);
    assert.match(output, c.ok ? /^all checks passed$/m : /^\d+ check\(s\) failed$/m);
  });
}

test('helm test script: a reachable Temporal frontend passes, an unreachable one fails with the fix', async () => {
  const db = { host: pg.host, port: pg.port, name: 'retool_good', user: USER, password: PASSWORD };
  // The check is TCP reachability; the PostgreSQL server's port is a listening socket on 127.0.0.1.
  const temporalPort = pg.port;
  const up = renderPreflight(externalValues(db, { host: '127.0.0.1', port: temporalPort }));
  const ok = runPreflightPod(up.pod, up.secret);
  assert.is(ok.status, 0, ok.output);
  expectOutput(ok.output, [new RegExp(`PASS {2}temporal: 127\\.0\\.0\\.1:${temporalPort} is reachable`)]);
  const down = renderPreflight(externalValues(db, { host: '127.0.0.1', port: freePort() }));
  const bad = runPreflightPod(down.pod, down.secret);
  assert.is(bad.status, 1, bad.output);
  expectOutput(bad.output, [/FAIL {2}temporal: cannot open a TCP connection to 127\.0\.0\.1:\d+/, /fix: check temporal\.external\.host\/port/,
    /PASS {2}database: the user can create tables/]);
});

test('helm test script: the blob storage endpoint Retool reaches is checked: reachable passes, unreachable fails with the fix', async () => {
  const db = { host: pg.host, port: pg.port, name: 'retool_good', user: USER, password: PASSWORD };
  // TCP reachability of the S3 endpoint, as api and the workers are told it; a listening socket on 127.0.0.1 stands in.
  const s3 = (port: number) => ({ ...externalValues(db), blobStorage: { mode: 'external', external: { provider: 's3', s3: { bucket: 'retool', region: 'eu-west-1', endpoint: `http://127.0.0.1:${port}` } } } });
  const up = renderPreflight(s3(pg.port));
  const ok = runPreflightPod(up.pod, up.secret);
  assert.is(ok.status, 0, ok.output);
  expectOutput(ok.output, [new RegExp(`PASS {2}blob-storage: 127\\.0\\.0\\.1:${pg.port} is reachable`)]);
  const down = renderPreflight(s3(freePort()));
  const bad = runPreflightPod(down.pod, down.secret);
  assert.is(bad.status, 1, bad.output);
  expectOutput(bad.output, [/FAIL {2}blob-storage: cannot open a TCP connection to 127\.0\.0\.1:\d+/, /fix: check blobStorage \(the S3 endpoint/, /PASS {2}database: the user can create tables/]);
  // Without blob storage there is nothing to reach.
  const plain = renderPreflight(externalValues(db));
  const none = runPreflightPod(plain.pod, plain.secret);
  expectOutput(none.output, [], [/blob-storage/]);
});

test('helm test script: the Retool Database is checked too when enabled, under its own label', async () => {
  const values = {
    ...externalValues({ host: pg.host, port: pg.port, name: 'retool_good', user: USER, password: PASSWORD }),
    retoolDatabase: { mode: 'external', external: { host: pg.host, port: pg.port, name: 'retool_serializable', user: USER, password: PASSWORD, ssl: false } },
  };
  const { pod, secret } = renderPreflight(values);
  const { status, output } = runPreflightPod(pod, secret);
  assert.is(status, 1, output);
  expectOutput(output, [/PASS {2}database: default isolation is read committed/,
    /PASS {2}retoolDatabase: connected to retool@127\.0\.0\.1:\d+\/retool_serializable/,
    /FAIL {2}retoolDatabase: default_transaction_isolation is serializable/], [/FAIL {2}database:/]);
  assert.match(output, /^1 check\(s\) failed$/m);
});

test('helm test script: the checks leave nothing behind (no table, no extension)', () => {
  assert.is(pg.sql("SELECT count(*) FROM pg_tables WHERE tablename = 'retool_preflight_probe'", 'retool_good').trim(), '0');
  assert.is(pg.sql("SELECT count(*) FROM pg_extension WHERE extname = 'uuid-ossp'", 'retool_good').trim(), '0');
});

test.run();
