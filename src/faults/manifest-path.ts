// A manifest file a step or the scenario's setup names: a relative .yaml path
// that stays inside the scenario folder.
import { z } from 'zod';

export const ManifestPath = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_./-]*\.ya?ml$/, { message: 'must be a relative .yaml path inside the scenario folder' })
  .refine((p) => !p.split('/').includes('..'), { message: 'must stay inside the scenario folder (no ..)' });
