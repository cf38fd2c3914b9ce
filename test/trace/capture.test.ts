import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countPcapPackets, failureReason, keepAsOwn, pcapFileName } from '../../src/trace/capture.js';
import { rootGate } from '../helpers/lab-gate.js';

const asRoot = rootGate();
import { tempDir } from '../helpers/temp-dir.js';

function pcap(records: number[], { bigEndian = false, truncateLast = 0 } = {}): Buffer {
  const header = Buffer.alloc(24);
  if (bigEndian) header.writeUInt32BE(0xa1b2c3d4, 0);
  else header.writeUInt32LE(0xa1b2c3d4, 0);
  const parts = [header];
  for (const length of records) {
    const rec = Buffer.alloc(16 + length);
    if (bigEndian) rec.writeUInt32BE(length, 8);
    else rec.writeUInt32LE(length, 8);
    parts.push(rec);
  }
  const all = Buffer.concat(parts);
  return truncateLast ? all.subarray(0, all.length - truncateLast) : all;
}

describe('countPcapPackets', () => {
  it('counts records in both byte orders', () => {
    expect(countPcapPackets(pcap([]))).toBe(0);
    expect(countPcapPackets(pcap([60, 74, 1500]))).toBe(3);
    expect(countPcapPackets(pcap([60, 74], { bigEndian: true }))).toBe(2);
  });
  it('ignores a record cut short and rejects what is not a pcap', () => {
    expect(countPcapPackets(pcap([60, 74], { truncateLast: 10 }))).toBe(1);
    expect(countPcapPackets(Buffer.from('not a capture file at all, no'))).toBeNull();
    expect(countPcapPackets(Buffer.alloc(3))).toBeNull();
  });
});

describe('pcapFileName', () => {
  it('numbers hops from 01 and keeps names safe', () => {
    expect(pcapFileName(0, 'frontend-eth0')).toBe('01-frontend-eth0.pcap');
    expect(pcapFileName(11, 'worker2-veth1a2b3c4d')).toBe('12-worker2-veth1a2b3c4d.pcap');
    expect(pcapFileName(2, 'a/b c')).toBe('03-a-b-c.pcap');
  });
});

describe('failureReason', () => {
  it("takes tcpdump's reason without its echo in parentheses", () => {
    expect(failureReason('tcpdump: veth1: No such device exists\n(No such device exists)\n')).toBe('tcpdump: veth1: No such device exists');
  });

  it("takes docker run's error without its prefix and the hint to read its help", () => {
    const stderr = "docker: Error response from daemon: No such container: netbreak-worker9.\nSee 'docker run --help'.\n";
    expect(failureReason(stderr)).toBe('Error response from daemon: No such container: netbreak-worker9.');
  });

  it('says so when the capture ended without a word', () => {
    expect(failureReason('')).toBe('tcpdump exited at once');
  });
});

describe('keepAsOwn', () => {
  it('moves a capture to its final name, bytes unchanged', () => {
    const dir = tempDir('nb-capture-');
    const data = pcap([60, 74]);
    fs.writeFileSync(path.join(dir, '.capture-0.pcap'), data);
    keepAsOwn(path.join(dir, '.capture-0.pcap'), path.join(dir, '01-a.pcap'));
    expect(fs.readdirSync(dir)).toEqual(['01-a.pcap']);
    expect(fs.readFileSync(path.join(dir, '01-a.pcap'))).toEqual(data);
  });

  it.skipIf(asRoot.skip)(asRoot.title('a file owned by someone else is replaced by our own copy (root gives it away)'), () => {
    const dir = tempDir('nb-capture-');
    const data = pcap([60]);
    fs.writeFileSync(path.join(dir, '.capture-1.pcap'), data, { mode: 0o644 });
    fs.chownSync(path.join(dir, '.capture-1.pcap'), 4321, 4321);
    keepAsOwn(path.join(dir, '.capture-1.pcap'), path.join(dir, '02-b.pcap'));
    const stat = fs.statSync(path.join(dir, '02-b.pcap'));
    expect([stat.uid, stat.gid]).toEqual([process.getuid!(), process.getgid!()]);
    expect(fs.readFileSync(path.join(dir, '02-b.pcap'))).toEqual(data);
    expect(fs.readdirSync(dir)).toEqual(['02-b.pcap']);
  });
});
