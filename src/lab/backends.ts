// Every backend, in one explicit list.
import type { Backend } from './backend.js';
import { netnsBackend } from './netns/backend.js';

export const backends: readonly Backend[] = [netnsBackend];

export function backendByName(name: string): Backend | undefined {
  return backends.find((b) => b.name === name);
}
