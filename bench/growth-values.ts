// Writes a values file (over examples/production.values.yaml) with N podDefaults.env entries and N/5
// podDefaults.extraVolumes and as many extraVolumeMounts: the input of the values growth series of
// `npm run bench`, and of a by-hand look at how a render grows (`npx tsx bench/growth-values.ts 3000 > big.yaml`).
import { pathToFileURL } from 'node:url';

/** The values text: `env` entries, `volumes` emptyDir volumes and one mount of each. */
export function growthValuesText(env: number, volumes: number): string {
  const lines: string[] = [];
  if (env || volumes) lines.push('podDefaults:');
  if (env) lines.push('  env:', ...Array.from({ length: env }, (_, i) => `    BENCH_VAR_${i}: "value ${i}"`));
  if (volumes) {
    lines.push('  extraVolumes:', ...Array.from({ length: volumes }, (_, i) => `    - name: bench-${i}\n      emptyDir: {}`));
    lines.push('  extraVolumeMounts:', ...Array.from({ length: volumes }, (_, i) => `    - name: bench-${i}\n      mountPath: /mnt/bench-${i}`));
  }
  return lines.length ? `${lines.join('\n')}\n` : '{}\n';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv[2] ?? 1000);
  const volumes = process.argv[3] === undefined ? Math.floor(n / 5) : Number(process.argv[3]);
  process.stdout.write(growthValuesText(n, volumes));
}
