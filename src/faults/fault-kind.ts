// The interface every fault step kind implements (Chaos Mesh style: each kind
// owns its parameter schema, its apply and its revert).
import type { z } from 'zod';
import type { Lab } from '../lab/lab.js';
import type { KubeObject } from '../k8s/objects.js';
import type { TelltaleContext } from './telltales.js';

export interface StepContext {
  lab: Lab;
  /** Manifests of the scenario, already loaded and validated, by relative path. */
  manifests: ReadonlyMap<string, KubeObject[]>;
}

/** JSON data a step's apply returns so its revert can undo exactly that change (kept in the journal). */
export type UndoRecord = Record<string, unknown>;

export interface FaultKind<P = unknown> {
  /** The key a scenario uses for this step: `- apply: manifests/deny.yaml`. */
  readonly name: string;
  /** Checks the step's parameters; errors name the field. */
  readonly params: z.ZodType<P>;
  /** One line for logs and `--explain`: "apply NetworkPolicy/shop/default-deny". */
  describe(params: P): string;
  /** Manifest files the step reads, so the loader can load and check them up front. */
  manifestPaths?(params: P): string[];
  /**
   * The field names and values the step writes, as words a story must not
   * say (see telltales.ts); [] for a step that writes none (a restart).
   */
  telltales(params: P, ctx: TelltaleContext): string[];
  apply(ctx: StepContext, params: P): Promise<UndoRecord>;
  revert(ctx: StepContext, undo: UndoRecord): Promise<void>;
}
