import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateRetoolValues, type RetoolValues } from '../src/index.js';

// Values built in code: the generated types check them at compile time (tsc runs in npm test), the
// validator checks what types cannot express (patterns, cross-field rules).
const production: RetoolValues = {
  profile: 'production',
  retool: {
    licenseKey: { secretKeyRef: { name: 'retool', key: 'license-key' } },
    encryptionKey: { secretKeyRef: { name: 'retool', key: 'encryption-key' } },
    jwtSecret: { secretKeyRef: { name: 'retool', key: 'jwt-secret' } },
  },
  database: { mode: 'external', external: { host: 'db.example.com', name: 'retool', user: 'retool', password: { secretKeyRef: { name: 'retool', key: 'db' } } } },
  components: { api: { replicas: 3 } },
};

test('values built in code validate like a values file', () => {
  assert.equal(validateRetoolValues(production), []);
});

test('cross-field rules the types cannot express are still enforced', () => {
  const issues = validateRetoolValues({ ...production, database: { mode: 'embedded' } });
  assert.ok(issues.some((i) => i.path === 'database.mode'), JSON.stringify(issues));
});

test('an autoscaled component removes its fixed count with replicas: null, as the README says (it compiles and validates)', () => {
  const autoscaled: RetoolValues = { ...production, components: { api: { replicas: null, autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6 } } } };
  assert.equal(validateRetoolValues(autoscaled), []);
});

test('the types are closed: an unknown key does not compile', () => {
  const typo: RetoolValues = {
    retool: { licenseKey: 'l', encryptionKey: 'e', jwtSecret: 'j' },
    // @ts-expect-error replica is not a key of components.api (replicas is)
    components: { api: { replica: 2 } },
  };
  assert.ok(validateRetoolValues(typo).some((i) => i.path === 'components.api.replica'));
});

test.run();
