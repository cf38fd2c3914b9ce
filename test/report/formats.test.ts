import { describe, expect, it } from 'vitest';
import { renderReport, selectSessions } from '../../src/report/render.js';
import { rec } from '../history/fixtures.js';
import { findAll, parseXml, textOf } from './xml.js';

const EVIL = `<script>alert("pwned")</script> & 'quotes' ]]> \u0007`;
const when = new Date('2024-05-02T08:00:00Z');

function evilRecord() {
  return rec({
    title: `Evil ${EVIL}`,
    story: `Story ${EVIL}`,
    debrief: `Debrief ${EVIL}\n\`\`\`\nfence`,
    key: { layer: 'networkpolicy', object: 'NetworkPolicy/shop/frontend-egress', cause: 'egress-dns-blocked', causeText: `Cause ${EVIL}` },
  });
}

describe('HTML report', () => {
  it('is well formed, self-contained, has the packet-path SVG and escapes every text', () => {
    const html = renderReport('html', [evilRecord()], when);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    const doc = parseXml(html);
    expect(doc.name).toBe('html');
    const svgs = findAll(doc, 'svg');
    expect(svgs).toHaveLength(1);
    expect(svgs[0]!.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(findAll(svgs[0]!, 'rect')).toHaveLength(4);
    expect(findAll(svgs[0]!, 'g').find((g) => g.attrs.class === 'hop off' && g.attrs['data-hop'] === 'dns')).toBeDefined();
    expect(textOf(svgs[0]!)).toMatch(/fault: layer networkpolicy — NetworkPolicy\/shop\/frontend-egress/);
    // Escaped: the raw markup never appears, the text does.
    expect(html).not.toContain('<script>');
    expect(findAll(doc, 'script')).toHaveLength(0);
    expect(textOf(doc)).toContain('Story <script>alert("pwned")</script> & \'quotes\' ]]>');
    expect(html).not.toContain('\u0007');
    // Nothing fetched from anywhere: no external stylesheets, fonts, images or scripts.
    expect(findAll(doc, 'link')).toHaveLength(0);
    expect(findAll(doc, 'img')).toHaveLength(0);
    expect(html).not.toMatch(/@import|url\((?!#)|src="|href="(?!#)/);
  });

  it('with several sessions, lists them and keeps every SVG id unique', () => {
    const html = renderReport('html', [rec(), rec({ scenario: 'friday-merge' }), rec()], when);
    const doc = parseXml(html);
    expect(findAll(doc, 'svg')).toHaveLength(3);
    const all = html.match(/ id="([^"]+)"/g)!;
    expect(new Set(all).size).toBe(all.length);
    expect(findAll(doc, 'section').filter((s) => s.attrs.class === 'session')).toHaveLength(3);
  });
});

describe('JUnit report', () => {
  it('one testsuite per session, one testcase per diagnosis part and check item, failures for what failed', () => {
    const wrong = rec({
      scenario: 'friday-merge',
      diagnosis: {
        answer: { layer: 'dns', object: 'NetworkPolicy/shop/frontend-egress', cause: 'egress-dns-blocked', evidence: '8080' },
        causeText: '',
        parts: null,
        points: 80,
        max: 100,
        hintPenalty: 0,
        total: 80,
        at: '2024-05-01T12:05:00.000Z',
      },
      checkItems: [
        { kind: 'verify', description: 'a → b expects success' },
        { kind: 'guard', description: 'NetworkPolicy/shop/x still exists' },
      ],
      checks: [
        {
          at: '2024-05-01T12:10:00.000Z',
          passed: false,
          items: [
            { kind: 'verify', description: 'a → b expects success', pass: false, detail: 'timeout: <no answer> & gave up' },
            { kind: 'guard', description: 'NetworkPolicy/shop/x still exists', pass: true, detail: 'ok' },
          ],
        },
      ],
      fixedAt: null,
    });
    const notChecked = rec({ score: null, fixed: false, checkItems: [{ kind: 'verify', description: 'c → d expects success' }] });
    const xml = renderJunit([rec(), wrong, notChecked]);
    const doc = parseXml(xml);
    expect(doc.name).toBe('testsuites');
    const suites = findAll(doc, 'testsuite');
    expect(suites).toHaveLength(3);
    for (const suite of suites) {
      const cases = findAll(suite, 'testcase');
      expect(Number(suite.attrs.tests)).toBe(cases.length);
      expect(Number(suite.attrs.failures)).toBe(cases.filter((c) => findAll(c, 'failure').length > 0).length);
      expect(Number(suite.attrs.skipped)).toBe(cases.filter((c) => findAll(c, 'skipped').length > 0).length);
      expect(suite.attrs.errors).toBe('0');
      expect(findAll(suite, 'property').find((p) => p.attrs.name === 'session')).toBeDefined();
    }
    // A perfect session: 4 diagnosis parts + 1 check item + the fix, all passing.
    expect(suites[0]!.attrs).toMatchObject({ tests: '6', failures: '0', skipped: '0' });
    // The wrong layer, the wrong evidence, the failing verify probe and the missing fix fail; the guard passes.
    expect(suites[1]!.attrs).toMatchObject({ name: `netbreak.friday-merge [${wrong.id}]`, tests: '7', failures: '4', skipped: '0' });
    const failing = findAll(suites[1]!, 'testcase').filter((c) => findAll(c, 'failure').length > 0);
    expect(failing.map((c) => `${c.attrs.classname} ${c.attrs.name}`)).toEqual([
      'netbreak.friday-merge.diagnosis layer',
      'netbreak.friday-merge.diagnosis evidence',
      'netbreak.friday-merge.check.verify a → b expects success',
      'netbreak.friday-merge.fix fixed by the learner',
    ]);
    expect(findAll(failing[1]!, 'failure')[0]!.attrs.message).toBe('answered 8080, expected 53');
    expect(findAll(failing[2]!, 'failure')[0]!.attrs.message).toBe('timeout: <no answer> & gave up');
    // No diagnosis, never checked: four unanswered parts and the fix fail, the item's result is unknown.
    expect(suites[2]!.attrs).toMatchObject({ tests: '6', failures: '5', skipped: '1' });
    expect(doc.attrs).toMatchObject({ tests: '19', failures: '9', skipped: '1' });
  });

  it('escapes scenario text in names and messages', () => {
    const xml = renderReport('junit', [rec({ scenario: 'x', checkItems: [{ kind: 'verify', description: EVIL }], checks: [], fixed: false })], when);
    const doc = parseXml(xml);
    expect(findAll(doc, 'testcase').some((c) => c.attrs.name === EVIL.replace('\u0007', ''))).toBe(true);
  });
});

function renderJunit(records: ReturnType<typeof rec>[]): string {
  return renderReport('junit', records, when);
}

describe('Markdown report', () => {
  it('has the summary, the diagnosis and check tables and the debrief, with text escaped', () => {
    const md = renderReport('md', [evilRecord()], when);
    expect(md).toMatch(/^# netbreak report/);
    expect(md).toMatch(/## Evil &lt;script&gt;/);
    // Raw markup only inside the fenced debrief, where Markdown shows it as text.
    const outsideFences = md.replace(/````text\n[\s\S]*?\n````/g, '');
    expect(outsideFences).not.toContain('<script>');
    expect(outsideFences).toContain('Story &lt;script&gt;alert("pwned")&lt;/script&gt; &amp; \'quotes\' \\]\\]&gt;');
    expect(md).toMatch(/\| layer \| networkpolicy \| networkpolicy \| ✓ pass \| 10\/10 \|/);
    // A record from before the evidence question has no evidence row.
    expect(md).not.toMatch(/\| evidence \|/);
    expect(md).toMatch(/Packet path: pod shop\/frontend → ✗ dropped before cluster DNS \(networkpolicy\)/);
    // The debrief's own ``` cannot close the fence around it.
    expect(md).toMatch(/````text\nDebrief .*\n```\nfence\n````/s);
  });
});

describe('the evidence in reports', () => {
  it('grades the answer by its format and says which command shows it', () => {
    const md = renderReport('md', [rec()], when);
    // 53/UDP is port 53.
    expect(md).toMatch(/\| evidence \| 53\/UDP \| 53 \| ✓ pass \| 35\/35 \|/);
    expect(md).toContain('The answer, `53`, is shown by `netbreak get netpol -n shop -o yaml`.');
    const html = renderReport('html', [rec()], when);
    expect(html).toContain('is shown by <code>netbreak get netpol -n shop -o yaml</code>');
  });
});

describe('JSON report', () => {
  it('carries the record and what the other formats derive from it', () => {
    const doc = JSON.parse(renderReport('json', [rec()], when));
    expect(doc.generatedAt).toBe(when.toISOString());
    expect(doc.sessions[0]).toMatchObject({
      scenario: 'after-the-pentest',
      outcome: 'fixed',
      checkResults: [{ status: 'pass' }],
      packetPath: { fault: { at: 'dns' } },
    });
    expect(doc.sessions[0].diagnosisParts.map((p: { part: string }) => p.part)).toEqual(['layer', 'object', 'cause', 'evidence']);
  });
});

describe('selectSessions', () => {
  const a = rec({ day: '2024-05-01' });
  const b = rec({ day: '2024-05-03' });
  const c = rec({ day: '2024-05-02', id: 'abc123' });
  const d = rec({ day: '2024-05-02', id: 'abd456' });

  it('defaults to the most recently stopped, --all is oldest first', () => {
    expect(selectSessions([a, b, c], { kind: 'latest' })).toEqual({ ok: true, records: [b] });
    expect(selectSessions([a, b, c], { kind: 'all' })).toEqual({ ok: true, records: [a, c, b] });
  });

  it('finds an id or an unambiguous prefix, and says when it cannot', () => {
    expect(selectSessions([c, d], { kind: 'id', id: 'abc123' })).toEqual({ ok: true, records: [c] });
    expect(selectSessions([c, d], { kind: 'id', id: 'abd' })).toEqual({ ok: true, records: [d] });
    expect(selectSessions([c, d], { kind: 'id', id: 'ab' })).toMatchObject({ ok: false, reason: 'ambiguous' });
    expect(selectSessions([c, d], { kind: 'id', id: 'zz' })).toMatchObject({ ok: false, reason: 'unknown' });
    expect(selectSessions([], { kind: 'latest' })).toMatchObject({ ok: false, reason: 'empty' });
  });
});
