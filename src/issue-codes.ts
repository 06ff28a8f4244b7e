/**
 * Every issue code the toolkit emits, with its severity and what it means. A code names the kind of problem,
 * not its wording: messages may improve between releases, codes do not change (a code that goes away is
 * listed under Removed in the CHANGELOG). The README's code table is generated from this list, and a test
 * proves each checker emits only codes listed here.
 *
 * Families: `input.*` a file or argument cannot be read as Helm reads it; `schema.<keyword>` the values schema
 * refuses a value (the JSON Schema keyword that failed); `pod.*` Kubernetes would refuse a pod the values
 * describe (the chart's own checks, _checks.tpl); `lint.*` the source schema breaks a house rule (for
 * contributors); `doctor.*` a preflight check; `diff.*` what `helm upgrade` would do; `import.*` carrying
 * official-chart values over; `project.*` the repository's own metadata (for contributors).
 */
export const ISSUE_CODES = {
  'input.unreadable': { severity: 'error', summary: 'a values file is missing, a directory or cannot be read' },
  'input.too-large': { severity: 'error', summary: 'a values file is larger than 5 MiB (Helm keeps values in a 1 MiB release Secret)' },
  'input.encoding': { severity: 'error', summary: 'a values file is not UTF-8 (or is UTF-16 little-endian, which Helm 4 refuses)' },
  'input.yaml': { severity: 'error', summary: 'a values file is not valid YAML' },
  'input.helm-yaml': { severity: 'error', summary: 'YAML that Helm refuses or reads differently (control characters, several documents, directives, long or complex keys, aliases)' },
  'input.not-a-map': { severity: 'error', summary: 'a values document is not a mapping of keys to values' },
  'input.value': { severity: 'error', summary: 'a value Helm cannot read (.inf, .nan, a key that is not a string)' },
  'input.set': { severity: 'error', summary: 'a --set-family argument Helm cannot parse' },
  'input.manifest': { severity: 'error', summary: '`diff --from-manifest`: the file holds no readable Kubernetes objects' },

  'schema.additionalProperties': { severity: 'error', summary: 'a key the schema does not know (often a typo, or a setting of the official chart)' },
  'schema.required': { severity: 'error', summary: 'a value that must be given is missing (or was deleted with null)' },
  'schema.type': { severity: 'error', summary: 'a value of the wrong type (a string where a number is expected, …)' },
  'schema.enum': { severity: 'error', summary: 'a value outside the listed choices' },
  'schema.const': { severity: 'error', summary: 'a value a rule fixes to one setting (e.g. a feature switched off by another)' },
  'schema.pattern': { severity: 'error', summary: 'a string not of the required form (the message says the form in words)' },
  'schema.format': { severity: 'error', summary: 'a string not of the required format' },
  'schema.minLength': { severity: 'error', summary: 'a string too short (often: empty)' },
  'schema.maxLength': { severity: 'error', summary: 'a string too long (e.g. a Kubernetes name over its limit)' },
  'schema.minimum': { severity: 'error', summary: 'a number below its minimum' },
  'schema.maximum': { severity: 'error', summary: 'a number above its maximum' },
  'schema.exclusiveMinimum': { severity: 'error', summary: 'a number not above its bound' },
  'schema.exclusiveMaximum': { severity: 'error', summary: 'a number not below its bound' },
  'schema.minItems': { severity: 'error', summary: 'a list with too few items' },
  'schema.maxItems': { severity: 'error', summary: 'a list with too many items' },
  'schema.uniqueItems': { severity: 'error', summary: 'a list with repeated items' },
  'schema.minProperties': { severity: 'error', summary: 'a map with too few keys (often: empty)' },
  'schema.maxProperties': { severity: 'error', summary: 'a map with too many keys' },
  'schema.propertyNames': { severity: 'error', summary: 'a map key not of the required form' },
  'schema.forbidden': { severity: 'error', summary: 'a key a rule forbids in this configuration' },
  'schema.not': { severity: 'error', summary: 'a value or combination a rule forbids' },
  'schema.oneOf': { severity: 'error', summary: 'a value in none of its accepted forms (the message lists them)' },
  'schema.anyOf': { severity: 'error', summary: 'a value that meets none of the alternatives a rule allows' },

  'pod.volume-names': { severity: 'error', summary: 'two volumes of one pod share a name (Kubernetes refuses the pod)' },
  'pod.mount-volumes': { severity: 'error', summary: 'a volume mount names no volume of its pod (Kubernetes refuses the pod)' },
  'pod.mount-paths': { severity: 'error', summary: 'two mounts of one container share a path (Kubernetes refuses the pod)' },
  'pod.requests-limits': { severity: 'error', summary: 'a container requests more than its limit (Kubernetes refuses the pod)' },

  'lint.draft': { severity: 'error', summary: 'the schema is draft-07' },
  'lint.global': { severity: 'error', summary: 'global is declared at the root (Helm injects it)' },
  'lint.ref-target': { severity: 'error', summary: 'every $ref points into #/definitions' },
  'lint.ref-siblings': { severity: 'error', summary: 'only annotations stand beside $ref' },
  'lint.description': { severity: 'error', summary: 'every property has a description' },
  'lint.closed-objects': { severity: 'error', summary: 'every object with properties is closed' },
  'lint.defaults': { severity: 'error', summary: 'every leaf has a default or is required' },
  'lint.pattern-words': { severity: 'error', summary: 'every pattern says in words what it accepts' },
  'lint.annotations': { severity: 'error', summary: 'annotations match schema/annotations.schema.json' },
  'lint.components': { severity: 'error', summary: 'component annotations are consistent' },
  'lint.routes': { severity: 'error', summary: 'exactly one component is routed at / and no path is routed twice' },
  'lint.edge-kinds': { severity: 'error', summary: 'edge kinds name values that exist and no component or database' },
  'lint.retool-version': { severity: 'error', summary: "the default retool.version is the newest stable line's newest patch" },
  'lint.databases': { severity: 'error', summary: 'database annotations are complete and unique' },
  'lint.temporal-services': { severity: 'error', summary: 'Temporal services have free ports, pod options and replicas, and one frontend' },

  'doctor.secrets-in-values': { severity: 'warning', summary: 'under the production profile, a secret is a string in the values' },
  'doctor.image-pinning': { severity: 'error', summary: 'an image moves under you (latest) or is not pinned by digest under production' },
  'doctor.resources': { severity: 'warning', summary: "resource requests against Retool's recommended node size" },
  'doctor.architecture': { severity: 'warning', summary: 'pods must land on x86-64 nodes' },
  'doctor.temporal': { severity: 'error', summary: 'the Temporal settings do not fit the Retool version' },
  'doctor.databases': { severity: 'warning', summary: 'the databases do not fit the profile' },
  'doctor.reachability': { severity: 'warning', summary: 'how Retool is reached from outside' },
  'doctor.agent-sandbox-keys': { severity: 'error', summary: 'the agent sandbox\'s keys are no ES256 pair, or are reused' },
  'doctor.retool-version': { severity: 'warning', summary: "the Retool version against Retool's support window and known upgrade blocks" },
  'doctor.database-url': { severity: 'warning', summary: '--database-url / --retooldb-url name another server than the values' },
  'doctor.database': { severity: 'error', summary: 'a database: connection, version, privileges and settings Retool needs' },
  'doctor.version': { severity: 'error', summary: '--cluster: the server version against the chart\'s kubeVersion and the features the values use' },
  'doctor.nodes': { severity: 'error', summary: '--cluster: nodes of the architecture and size the pods need' },
  'doctor.pod-security': { severity: 'error', summary: "--cluster: the namespace's Pod Security level admits the pods" },
  'doctor.secrets': { severity: 'error', summary: '--cluster: the Secrets the values name exist with their keys' },
  'doctor.storage': { severity: 'error', summary: '--cluster: a StorageClass for the claims' },
  'doctor.ingress-class': { severity: 'error', summary: '--cluster: the IngressClass exists' },
  'doctor.network-policy': { severity: 'warning', summary: '--cluster: the network plugin enforces NetworkPolicies' },
  'doctor.render': { severity: 'error', summary: '--cluster: the chart does not render for the cluster\'s version (the checks that need the render do not run)' },
  'doctor.dry-run': { severity: 'error', summary: '--cluster: the API server accepts every object (server-side dry run)' },

  'diff.immutable-field': { severity: 'error', summary: 'Kubernetes refuses the change on upgrade (an immutable field)' },
  'diff.deletes-data': { severity: 'error', summary: 'the upgrade deletes or orphans stored data (a claim, volumes, the encryption key Secret)' },
  'diff.encryption-key': { severity: 'error', summary: 'the encryption key changes or moves: stored credentials may become unreadable' },
  'diff.volume-templates': { severity: 'error', summary: "a StatefulSet's volumes change: its data stays on the old claims" },
  'diff.storage-database': { severity: 'error', summary: "Retool's storage database changes host or name" },
  'diff.history-shards': { severity: 'error', summary: 'Temporal numHistoryShards changes: Temporal cannot start on its databases' },
  'diff.upgrade-block': { severity: 'error', summary: 'Retool documents this version upgrade as failing' },

  'import.legacy-key': { severity: 'error', summary: 'an official-chart key from before its 6.11 rename: the official chart refuses it too' },
  'import.invalid': { severity: 'error', summary: 'the imported values are invalid for a reason the official values do not give' },

  'project.package-json': { severity: 'error', summary: "package.json's retoolChart settings are malformed" },
  'project.changelog': { severity: 'error', summary: 'CHANGELOG.md has no section for the chart version, or an unknown kind of change' },
} as const satisfies Record<string, { severity: 'error' | 'warning' | 'info'; summary: string }>;

export type IssueCode = keyof typeof ISSUE_CODES;

export function isIssueCode(code: string): code is IssueCode {
  return Object.prototype.hasOwnProperty.call(ISSUE_CODES, code);
}

/**
 * A JSON Schema keyword's code, schema.<keyword> (ajv's "false schema", a key a rule forbids, is schema.forbidden).
 * A keyword the list lacks is a defect the tests catch: every keyword of the values schema has its code.
 */
export function schemaCode(keyword: string): IssueCode {
  const code = `schema.${keyword === 'false schema' ? 'forbidden' : keyword}`;
  if (!isIssueCode(code)) throw new Error(`no issue code for the JSON Schema keyword "${keyword}": add ${code} to src/issue-codes.ts`);
  return code;
}
