// Labs of older versions kept pods' files in /etc/netns, which netbreak removes
// when, and only when, it created it (a marker file says so).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeEtcNetnsIfOursAndEmpty } from '../../../src/lab/netns/legacy-cleanup.js';
import { tempDir } from '../../helpers/temp-dir.js';

function paths() {
  const base = tempDir('nb-etc-netns-');
  const p = { root: path.join(base, 'netns'), marker: path.join(base, 'marker') };
  fs.mkdirSync(p.root);
  return p;
}

describe('/etc/netns left by labs of older versions', () => {
  it('is removed once empty when netbreak created it', () => {
    const p = paths();
    fs.writeFileSync(p.marker, '');
    removeEtcNetnsIfOursAndEmpty(p.root, p.marker);
    expect(fs.existsSync(p.root)).toBe(false);
    expect(fs.existsSync(p.marker)).toBe(false);
  });

  it('is never removed when it existed before netbreak', () => {
    const p = paths();
    removeEtcNetnsIfOursAndEmpty(p.root, p.marker);
    expect(fs.existsSync(p.root)).toBe(true);
  });

  it('keeps the folder, and the claim on it, while another lab still has pods in it', () => {
    const p = paths();
    fs.writeFileSync(p.marker, '');
    fs.mkdirSync(path.join(p.root, 'nb-b-pod-y'));
    removeEtcNetnsIfOursAndEmpty(p.root, p.marker);
    expect(fs.existsSync(p.root)).toBe(true);
    expect(fs.existsSync(p.marker)).toBe(true);
  });
});
