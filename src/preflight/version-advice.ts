import { versionStatus, type ReleaseFacts } from '../schema/releases.js';
import type { Issue } from '../issue.js';
import { finding } from './finding.js';

/**
 * Whether the chosen Retool release is still supported on `today` (YYYY-MM-DD), from the schema's release
 * table: out of support or a stale edge release is a warning, an unknown line is information.
 */
export function adviseVersion(values: Record<string, any>, facts: ReleaseFacts, today: string): Issue[] {
  const version = String(values.retool?.version ?? '');
  const channel = String(values.retool?.channel ?? 'stable');
  if (!/^\d+\.\d+\.\d+$/.test(version)) return [];
  const status = versionStatus(version, channel, facts, today);
  const level = status.supported === false ? 'warn' : status.supported === true ? (status.fix ? 'info' : 'pass') : 'info';
  const findings = [finding('doctor.retool-version', level, 'retool.version', status.message, status.fix)];
  if (Number(version.split('.')[0]) >= 4 && (values.blobStorage?.mode ?? 'disabled') === 'disabled') {
    findings.push(finding('doctor.retool-version', 'info', 'blobStorage.mode',
      'Retool 4.x keeps app storage, Git repositories and sandbox snapshots of its new app builder in blob storage, and none is configured',
      'set blobStorage.mode: external (your S3, GCS or Azure bucket), or embedded for an evaluation'));
  }
  if (values.appBuilder?.enabled === true && Number(version.split('.')[0]) < 4) {
    findings.push(finding('doctor.retool-version', 'warn', 'appBuilder.enabled',
      `the app builder's services run on Retool ${version}-${channel}: 3.3xx edge builds carry them, but Retool documents and supports them from 4.0`,
      'use Retool 4.x (e.g. the default retool.version), or turn appBuilder.enabled off'));
  }
  return findings;
}
