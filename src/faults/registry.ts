// Every fault step kind, in one explicit list.
import type { FaultKind } from './fault-kind.js';
import { applyStep } from './apply.js';
import { deleteStep } from './delete.js';
import { patchStep } from './patch.js';
import { scaleStep } from './scale.js';
import { restartStep } from './restart.js';
import { nodeExecStep } from './node-exec.js';

export const faultKinds: readonly FaultKind[] = [applyStep, deleteStep, patchStep, scaleStep, restartStep, nodeExecStep];

export function faultKind(name: string): FaultKind | undefined {
  return faultKinds.find((k) => k.name === name);
}
