// NETPOL- chain names: a short kind prefix plus the first 16 characters of
// base32(sha256(key)), as kube-proxy names KUBE-SVC-/KUBE-SEP- chains. The
// longest name is 26 characters, under iptables' 28-character limit.
import { hash16 } from '../chain-hash.js';
import type { Direction } from './types.js';

export const CHAIN_PREFIX = 'NETPOL-';
export const TOP_CHAIN = 'NETPOL-FORWARD';
export const MAX_CHAIN_NAME = 28;

const letter = (direction: Direction) => (direction === 'ingress' ? 'I' : 'E');

/** Per-pod chain: NETPOL-I-<h> (ingress) or NETPOL-E-<h> (egress), h over `namespace/name`. */
export function podChain(direction: Direction, podRef: string): string {
  return `${CHAIN_PREFIX}${letter(direction)}-${hash16(podRef)}`;
}

/** Per-policy-rule chain: NETPOL-IR-<h> / NETPOL-ER-<h>, h over `namespace/name/direction/rule`. */
export function ruleChain(direction: Direction, policyRef: string, rule: number): string {
  return `${CHAIN_PREFIX}${letter(direction)}R-${hash16(`${policyRef}/${direction}/${rule}`)}`;
}

/** Chain for one ipBlock peer with `except`: NETPOL-IB-<h> / NETPOL-EB-<h>. */
export function ipBlockChain(direction: Direction, policyRef: string, rule: number, peer: number): string {
  return `${CHAIN_PREFIX}${letter(direction)}B-${hash16(`${policyRef}/${direction}/${rule}/${peer}`)}`;
}
