// What the local control plane is built from, and where the build is kept.
//
// Kubernetes' own control plane, compiled from the Go module proxy: k8s.io/kubernetes with every staging module
// replaced by its published tag (k8s.io/kubernetes requires them at v0.0.0 and points them at ./staging, which
// only its own checkout has; kubernetes/kubernetes#79384), etcd's server module, and kwok for the fake nodes.
// Staging v0.36.x declares go 1.26.0, so Go 1.26 builds them. See the README's "Local control plane".

import { homedir } from 'node:os';
import { join } from 'node:path';

export const VERSIONS = {
  kubernetes: '1.36.3',
  etcd: '3.6.16',
  kwok: '0.8.0',
} as const;

/** The Kubernetes binaries built from k8s.io/kubernetes (kubectl too: Debian 12's kubernetes-client is 1.20). */
export const KUBE_COMMANDS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'] as const;

/** The staging modules' tag that goes with k8s.io/kubernetes v1.X.Y is v0.X.Y. */
export function stagingVersion(kubernetes: string): string {
  return `v0.${kubernetes.replace(/^1\./, '')}`;
}

/** Root of the build cache and of the default state directory; outside the repo, kept between runs. */
export function cacheRoot(): string {
  return process.env.RETOOL_CHART_CLUSTER_CACHE || join(homedir(), '.cache/retool-chart/cluster');
}

/** The cache entry for these versions built with this Go: `<root>/k8s-v…-etcd-v…-kwok-v…-go…`. */
export function buildKey(goVersion: string): string {
  return `k8s-v${VERSIONS.kubernetes}-etcd-v${VERSIONS.etcd}-kwok-v${VERSIONS.kwok}-${goVersion}`;
}

/** The first line each binary prints for its version flag, which must name the pinned version exactly. */
export const EXPECTED_VERSION: Record<string, { args: string[]; pattern: RegExp }> = {
  'kube-apiserver': { args: ['--version'], pattern: new RegExp(`^Kubernetes v${escape(VERSIONS.kubernetes)}$`, 'm') },
  'kube-controller-manager': { args: ['--version'], pattern: new RegExp(`^Kubernetes v${escape(VERSIONS.kubernetes)}$`, 'm') },
  'kube-scheduler': { args: ['--version'], pattern: new RegExp(`^Kubernetes v${escape(VERSIONS.kubernetes)}$`, 'm') },
  kubectl: { args: ['version', '--client'], pattern: new RegExp(`^Client Version: v${escape(VERSIONS.kubernetes)}$`, 'm') },
  etcd: { args: ['--version'], pattern: new RegExp(`^etcd Version: ${escape(VERSIONS.etcd)}$`, 'm') },
  kwok: { args: ['--version'], pattern: new RegExp(`\\bv?${escape(VERSIONS.kwok)}\\b`) },
};

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
