import type { Scenario } from '../scenario/schema.js';

/** What a hint costs when the scenario gives it as a plain string. */
export const DEFAULT_HINT_COST = 10;

export function hintText(hint: Scenario['hints'][number]): string {
  return typeof hint === 'string' ? hint : hint.text;
}

export function hintCost(hint: Scenario['hints'][number]): number {
  return typeof hint === 'string' ? DEFAULT_HINT_COST : hint.cost;
}
