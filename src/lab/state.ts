// What a cluster-backed lab (kind or an existing cluster) records on this
// machine: `<state dir>/labs/<lab>/lab.json`, beside the session file, in the
// same folder layout the netns lab uses, so every command finds any lab by name.
import fs from 'node:fs';
import path from 'node:path';
import { labDir, labFiles, stateRoot } from './netns/names.js';
import { PreflightError } from './backend.js';
import type { ContainerEngine } from './kind/docker.js';

export interface ClusterLabRecord {
  name: string;
  backend: 'kind' | 'kubeconfig';
  createdAt: string;
  /** netbreak's own kubeconfig file (kind), or the user's file it reads (kubeconfig). */
  kubeconfig: string;
  context?: string;
  /** kind: the cluster, the engine it runs on, and whether this lab's up() created it. */
  cluster?: string;
  engine?: ContainerEngine;
  createdCluster?: boolean;
  /** kubeconfig: the learner and the namespaces netbreak created for them. */
  learner?: string;
  namespaces?: string[];
}

export function readLabRecord(lab: string): { backend?: string } & Partial<ClusterLabRecord> | undefined {
  try {
    return JSON.parse(fs.readFileSync(labFiles(lab).lab, 'utf8')) as Partial<ClusterLabRecord>;
  } catch {
    return undefined;
  }
}

export function readClusterRecord(lab: string, backend: ClusterLabRecord['backend']): ClusterLabRecord | undefined {
  const record = readLabRecord(lab);
  return record?.backend === backend ? (record as ClusterLabRecord) : undefined;
}

export function writeLabRecord(record: ClusterLabRecord): void {
  const file = labFiles(record.name).lab;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(record, null, 2));
  fs.renameSync(tmp, file);
}

/** Labs of one backend under this state root. */
export function labsOfBackend(backend: string): string[] {
  const labsDir = path.join(stateRoot(), 'labs');
  if (!fs.existsSync(labsDir)) return [];
  return fs
    .readdirSync(labsDir)
    .filter((lab) => readLabRecord(lab)?.backend === backend)
    .sort();
}

export function removeLabDir(lab: string): string | undefined {
  const dir = labDir(lab);
  if (!fs.existsSync(dir)) return undefined;
  fs.rmSync(dir, { recursive: true, force: true });
  return dir;
}

export class StateDirError extends PreflightError {}

/** Makes the lab's folder; a state root this user cannot write is a sentence, not a stack trace. */
export function ensureLabDir(lab: string): string {
  const dir = labDir(lab);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new StateDirError(
        `netbreak keeps its labs in ${stateRoot()}, which this user cannot write: set NETBREAK_STATE_DIR to a folder of yours`,
      );
    }
    throw error;
  }
  return dir;
}

export function kubeconfigFileOf(lab: string): string {
  return path.join(labDir(lab), 'kubeconfig');
}
