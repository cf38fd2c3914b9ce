// The kubeconfig `netbreak kubeconfig` prints the path of: context `netbreak-<lab>`,
// the lab's CA and token, readable by the lab's owner only, written whole or not at all.
import { stringify } from 'yaml';
import { labFiles } from '../names.js';
import type { ApiCredentials } from './credentials.js';
import { writeFileAtomically } from '../../../atomic-write.js';

export function contextName(lab: string): string {
  return `netbreak-${lab}`;
}

export function kubeconfigText(lab: string, port: number, credentials: Pick<ApiCredentials, 'caPem' | 'token'>): string {
  const name = contextName(lab);
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': Buffer.from(credentials.caPem).toString('base64') } }],
    users: [{ name, user: { token: credentials.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

export function writeKubeconfig(lab: string, port: number, credentials: Pick<ApiCredentials, 'caPem' | 'token'>): string {
  const file = labFiles(lab).kubeconfig;
  writeFileAtomically(file, kubeconfigText(lab, port, credentials), { mode: 0o600 });
  return file;
}
