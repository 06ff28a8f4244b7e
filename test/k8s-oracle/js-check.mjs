// The same verdicts in JavaScript (ajv, with the u flag as ajv compiles patterns), compared with Go's.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../../package.json', import.meta.url));
const Ajv = require('ajv').default;
const schema = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const samples = JSON.parse(readFileSync('corpus.json', 'utf8'));
const go = JSON.parse(readFileSync('go-verdicts.json', 'utf8'));
const ajv = new Ajv({ strict: false });
let differ = 0;
for (const [name, verdicts] of Object.entries(go)) {
  const validate = ajv.compile({ definitions: schema.definitions, $ref: `#/definitions/${name}` });
  samples.forEach((v, i) => { if (validate(v) !== verdicts[i]) { differ++; if (differ < 20) console.log(`${name}: JS ${!verdicts[i]} Go ${verdicts[i]} for ${JSON.stringify(v)}`); } });
}
console.log(`JS (ajv) vs Go RE2: ${differ} differences over ${Object.keys(go).length} definitions x ${samples.length} samples`);
