import { fileURLToPath } from 'node:url';

/** The scenario library shipped with netbreak; NETBREAK_SCENARIOS points elsewhere (authors, tests). */
export function scenariosRoot(): string {
  return process.env.NETBREAK_SCENARIOS ?? fileURLToPath(new URL('../../scenarios', import.meta.url));
}
