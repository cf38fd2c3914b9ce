import { describe, expect, it } from 'vitest';
import {
  formatRecord,
  LineRecorder,
  type LogRecord,
  logOptions,
  parseRecord,
  renderRecord,
  rfc3339Nano,
  selectRecords,
} from '../../../src/k8s/logs/cri-log.js';

const at = (iso: string) => () => new Date(iso);
const record = (time: string, text: string, partial = false): LogRecord => ({ time, stream: 'stdout', partial, text });

describe('the CRI log format', () => {
  it('writes nanosecond times and reads its own lines back', () => {
    const line = formatRecord(record(rfc3339Nano(new Date('2026-12-07T20:00:01.5Z')), 'GET /hostname'));
    expect(line).toBe('2026-12-07T20:00:01.500000000Z stdout F GET /hostname\n');
    expect(parseRecord(line.trimEnd())).toEqual(record('2026-12-07T20:00:01.500000000Z', 'GET /hostname'));
  });

  it('keeps spaces in the text and ignores lines of another format', () => {
    expect(parseRecord('2026-12-07T20:00:01.000000000Z stderr P  two  spaces ')?.text).toBe(' two  spaces ');
    expect(parseRecord('plain text from an older lab')).toBeUndefined();
  });
});

describe('LineRecorder', () => {
  it('makes one record per line, joining chunks and holding back an unfinished line', () => {
    const recorder = new LineRecorder('stdout', 100, at('2026-12-07T20:00:00Z'));
    expect(recorder.push('GET /hos')).toEqual([]);
    expect(recorder.push('tname\nGET /rea').map((r) => r.text)).toEqual(['GET /hostname']);
    expect(recorder.end()).toEqual([record('2026-12-07T20:00:00.000000000Z', 'GET /rea')]);
  });

  it('cuts a line longer than the limit into partial records, as kubelet does', () => {
    const recorder = new LineRecorder('stderr', 4, at('2026-12-07T20:00:00Z'));
    const records = recorder.push('abcdefghij\n');
    expect(records.map((r) => [r.text, r.partial])).toEqual([
      ['abcd', true],
      ['efgh', true],
      ['ij', false],
    ]);
    expect(records.map((r) => renderRecord(r, false)).join('')).toBe('abcdefghij\n');
  });
});

describe('selectRecords', () => {
  const log = [
    record('2026-12-07T20:00:00.000000000Z', 'Started HTTP server on port 8080'),
    record('2026-12-07T20:00:10.000000000Z', 'GET /readyz'),
    record('2026-12-07T20:00:20.000000000Z', 'long ', true),
    record('2026-12-07T20:00:20.000000000Z', 'line'),
    record('2026-12-07T20:00:30.000000000Z', 'GET /hostname'),
  ];
  const now = Date.parse('2026-12-07T20:00:31Z');

  it('--tail counts lines, not the pieces of a cut line', () => {
    expect(selectRecords(log, { follow: false, previous: false, timestamps: false, tailLines: 2 }, now).map((r) => r.text)).toEqual([
      'long ',
      'line',
      'GET /hostname',
    ]);
    expect(selectRecords(log, { follow: false, previous: false, timestamps: false, tailLines: 0 }, now)).toEqual([]);
    expect(selectRecords(log, { follow: false, previous: false, timestamps: false, tailLines: 99 }, now)).toHaveLength(5);
  });

  it('--since and --since-time keep the lines written from then on', () => {
    expect(selectRecords(log, { follow: false, previous: false, timestamps: false, sinceSeconds: 15 }, now).map((r) => r.text)).toEqual([
      'long ',
      'line',
      'GET /hostname',
    ]);
    expect(selectRecords(log, { follow: false, previous: false, timestamps: false, sinceTime: '2026-12-07T20:00:05Z' }, now)).toHaveLength(4);
  });

  it('--timestamps prints each line after its time', () => {
    expect(renderRecord(log[1]!, true)).toBe('2026-12-07T20:00:10.000000000Z GET /readyz\n');
  });
});

describe('logOptions', () => {
  it('reads the parameters kubectl logs sends', () => {
    expect(logOptions(new URLSearchParams('container=api&follow=true&tailLines=10&timestamps=true'))).toEqual({
      container: 'api',
      follow: true,
      previous: false,
      timestamps: true,
      tailLines: 10,
    });
  });

  it('names the bad parameter as kube-apiserver validation does', () => {
    expect(logOptions(new URLSearchParams('tailLines=ten'))).toEqual({ error: 'tailLines: Invalid value: "ten": must be an integer' });
    expect(logOptions(new URLSearchParams('sinceSeconds=0'))).toEqual({ error: 'sinceSeconds: Invalid value: 0: must be greater than 0' });
    expect(logOptions(new URLSearchParams('sinceSeconds=5&sinceTime=2026-12-07T20:00:00Z'))).toMatchObject({
      error: expect.stringContaining('at most one of'),
    });
  });
});
