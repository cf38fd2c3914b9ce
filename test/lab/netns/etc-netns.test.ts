// /etc/netns is shared by every lab: netbreak removes it when, and only when, it created it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEtcNetnsDir, removeEtcNetnsIfOursAndEmpty } from '../../../src/lab/netns/etc-netns.js';
import { tempDir } from '../../helpers/temp-dir.js';

function paths() {
  const base = tempDir('nb-etc-netns-');
  return { root: path.join(base, 'netns'), marker: path.join(base, 'marker') };
}

describe('/etc/netns ownership', () => {
  it('creates the folder, remembers that it did, and removes it when the last lab folder is gone', () => {
    const p = paths();
    const dir = createEtcNetnsDir('nb-a-pod-x', p);
    expect(fs.existsSync(dir)).toBe(true);
    expect(fs.existsSync(p.marker)).toBe(true);
    fs.rmdirSync(dir);
    removeEtcNetnsIfOursAndEmpty(p);
    expect(fs.existsSync(p.root)).toBe(false);
    expect(fs.existsSync(p.marker)).toBe(false);
  });

  it('never removes a folder that existed before netbreak', () => {
    const p = paths();
    fs.mkdirSync(p.root);
    fs.rmdirSync(createEtcNetnsDir('nb-a-pod-x', p));
    removeEtcNetnsIfOursAndEmpty(p);
    expect(fs.existsSync(p.root)).toBe(true);
  });

  it('keeps the folder, and its claim on it, while another lab still has pods in it', () => {
    const p = paths();
    const first = createEtcNetnsDir('nb-a-pod-x', p);
    createEtcNetnsDir('nb-b-pod-y', p);
    fs.rmdirSync(first);
    removeEtcNetnsIfOursAndEmpty(p);
    expect(fs.existsSync(p.root)).toBe(true);
    expect(fs.existsSync(p.marker)).toBe(true);
    fs.rmdirSync(path.join(p.root, 'nb-b-pod-y'));
    removeEtcNetnsIfOursAndEmpty(p);
    expect(fs.existsSync(p.root)).toBe(false);
  });

  it('claims the folder again when a lab starts after the last one removed it', () => {
    // The sequence that used to leave an empty /etc/netns: lab A goes (and removes
    // the folder) while lab B, which looked before A went, creates its first pod.
    const p = paths();
    fs.rmdirSync(createEtcNetnsDir('nb-a-pod-x', p));
    removeEtcNetnsIfOursAndEmpty(p);
    fs.rmdirSync(createEtcNetnsDir('nb-b-pod-y', p));
    removeEtcNetnsIfOursAndEmpty(p);
    expect(fs.existsSync(p.root)).toBe(false);
  });
});
