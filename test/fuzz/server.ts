// FUZZ_SERVER=1: the fuzz harness's accepted renders checked by a real API server (the local control plane,
// test/cluster/), as a server-side dry run: validation and admission of every object, nothing stored. The
// namespace enforces Pod Security `privileged`, so what is checked is the objects' validity, not the preset
// (test/cluster-install.test.ts checks the presets).

import yaml from 'js-yaml';
import { kubectlAsync, mustKubectl, startTestCluster } from '../support/cluster.js';
import { NAMESPACE } from '../support/paths.js';

export async function serverCheck(log: (line: string) => void): Promise<{ check: (manifests: string) => Promise<string | undefined>; checked: () => number; stop: () => void }> {
  const cluster = startTestCluster(log, { count: 1 });
  await mustKubectl(cluster.state, ['apply', '-f', '-'], yaml.dump({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }));
  let checked = 0;
  return {
    check: async (manifests) => {
      checked++;
      const r = await kubectlAsync(cluster.state, ['apply', '--dry-run=server', '-n', NAMESPACE, '-f', '-'], manifests);
      return r.status === 0 ? undefined : r.stderr.trim().split('\n').slice(0, 3).join(' | ');
    },
    checked: () => checked,
    stop: cluster.stop,
  };
}
