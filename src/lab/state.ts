// Where every backend keeps its labs on this machine, and what it records there:
// `<state root>/labs/<lab>/`, with the lab record `lab.json` beside the session
// file. One folder layout and one lab-name rule for all backends, so every
// command finds any lab by name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PreflightError } from '../errors.js';
import { writeFileAtomically } from '../atomic-write.js';

/** Every backend names its lab's namespaces, folders or cluster after the lab: 1–20 characters keep those names short enough. */
export const LAB_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$/;

export function assertLabName(lab: string): void {
  if (!LAB_NAME_PATTERN.test(lab)) throw new PreflightError(`lab name "${lab}" is not valid: use 1–20 lower-case letters, digits and dashes`);
}

export interface StateRootEnv {
  NETBREAK_STATE_DIR?: string;
  XDG_STATE_HOME?: string;
  HOME?: string;
}

/**
 * Where labs keep their state: `$NETBREAK_STATE_DIR`; else, for root,
 * `/run/netbreak`; else the user's own state folder, `$XDG_STATE_HOME/netbreak`
 * or `~/.local/state/netbreak`, private to them (every backend's labs).
 */
export function stateRoot(env: StateRootEnv = process.env, uid = process.getuid?.() ?? -1): string {
  if (env.NETBREAK_STATE_DIR) return env.NETBREAK_STATE_DIR;
  if (uid === 0) return '/run/netbreak';
  if (env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)) return path.join(env.XDG_STATE_HOME, 'netbreak');
  return path.join(env.HOME || os.homedir(), '.local', 'state', 'netbreak');
}

export function labDir(lab: string): string {
  return path.join(stateRoot(), 'labs', lab);
}

/** The lab record: which backend runs the lab, and what that backend needs to find it again. */
export function labRecordFile(lab: string): string {
  return path.join(labDir(lab), 'lab.json');
}

/** The program that runs kind's node containers (kept in a kind lab's record). */
export type ContainerEngine = 'docker' | 'podman';

/** What a cluster-backed lab (kind or an existing cluster) records; the netns lab writes its own fields. */
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

export function readLabRecord(lab: string): ({ backend?: string } & Partial<ClusterLabRecord>) | undefined {
  try {
    return JSON.parse(fs.readFileSync(labRecordFile(lab), 'utf8')) as Partial<ClusterLabRecord>;
  } catch {
    return undefined;
  }
}

export function readClusterRecord(lab: string, backend: ClusterLabRecord['backend']): ClusterLabRecord | undefined {
  const record = readLabRecord(lab);
  return record?.backend === backend ? (record as ClusterLabRecord) : undefined;
}

export function writeLabRecord(record: ClusterLabRecord): void {
  const file = labRecordFile(record.name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomically(file, JSON.stringify(record, null, 2));
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
      throw new StateDirError(`netbreak keeps its labs in ${stateRoot()}, which this user cannot write: set NETBREAK_STATE_DIR to a folder of yours`);
    }
    throw error;
  }
  return dir;
}

export function kubeconfigFileOf(lab: string): string {
  return path.join(labDir(lab), 'kubeconfig');
}
