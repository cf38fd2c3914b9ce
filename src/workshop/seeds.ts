// Each attendee's variant of each scenario: a seed derived from the room secret,
// the attendee and the scenario, so neighbours get different namespaces, ports
// and labels (and cannot copy answers), while the same attendee always gets the
// same variant of a scenario, even after a server restart.
import { derivedUint32 } from './tokens.js';

/** 1 … 1,000,000, the range `netbreak start` draws random seeds from. */
export function workshopSeed(secret: string, attendeeId: string, scenario: string): number {
  return 1 + (derivedUint32(secret, `seed\0${attendeeId}\0${scenario}`) % 1_000_000);
}

export function workshopSeeds(secret: string, attendeeId: string, scenarios: readonly string[]): Record<string, number> {
  return Object.fromEntries(scenarios.map((s) => [s, workshopSeed(secret, attendeeId, s)]));
}
