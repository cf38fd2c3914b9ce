import { describe, expect, it } from 'vitest';
import { acceptedEvidence, evidenceMatches, normalizeEvidence } from '../../src/grading/evidence.js';
import type { Evidence } from '../../src/scenario/schema.js';

const evidence = (format: Evidence['format'], answer: string, accept: string[] = []): Evidence => ({
  question: 'q?',
  answer,
  format,
  accept,
  reveal: 'netbreak get pods',
});

describe('evidence answers', () => {
  it.each([
    ['port', '80', ['80', ' 80 ', '80/TCP', ':80', 'port 80', '"80"', '080'], ['8080', '8', '80 or 8080', 'http', '']],
    ['number', '1400', ['1400', 'mtu 1400', '1400 bytes'], ['1500', '14000', '1400/1500']],
    ['ip', '10.244.2.7', ['10.244.2.7', '10.244.2.7:8080', '10.244.2.7/32', "'10.244.2.7'"], ['10.244.2.70', '10.244.2.7/24', '10.244.2', '10.244.2.300']],
    ['cidr', '10.244.2.0/24', ['10.244.2.0/24', ' 10.244.2.0/24'], ['10.244.2.0', '10.244.2.0/25', '10.244.2.0/24/1', '10.244.2.0/33']],
    [
      'label',
      'app=fronted',
      ['app=fronted', 'app: fronted', 'app = fronted', 'app="fronted"', "app: 'fronted'"],
      ['app=frontend', 'fronted', 'App=fronted', 'app=fronted2'],
    ],
    ['name', 'cluster.lcoal', ['cluster.lcoal', 'Cluster.Lcoal.', ' cluster.lcoal '], ['cluster.local', 'lcoal']],
    ['text', 'INC-4711 temp', ['INC-4711 temp', 'inc-4711   TEMP', '"INC-4711 temp"'], ['INC-4711', 'INC-4711 temporary']],
  ] as const)('%s: %s matches its spellings and nothing else', (format, answer, right, wrong) => {
    const e = evidence(format, answer);
    for (const given of right) expect(evidenceMatches(e, given), `${given} should match`).toBe(true);
    for (const given of wrong) expect(evidenceMatches(e, given), `${given} should not match`).toBe(false);
  });

  it('counts an accepted spelling, normalised like the answer', () => {
    const e = evidence('name', 'worker2', ['netbreak-worker2']);
    expect(acceptedEvidence(e)).toEqual(['worker2', 'netbreak-worker2']);
    expect(evidenceMatches(e, 'NETBREAK-WORKER2')).toBe(true);
    expect(evidenceMatches(e, 'worker')).toBe(false);
  });

  it('says a value of the wrong shape is no value at all', () => {
    expect(normalizeEvidence('ip', 'api.shop')).toBeUndefined();
    expect(normalizeEvidence('label', 'fronted')).toBeUndefined();
    expect(normalizeEvidence('port', 'none')).toBeUndefined();
  });
});
