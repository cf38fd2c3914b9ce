// The HTML report as a person sees it: opened from disk in real headless
// Chromium, its packet-path diagram drawn with the four hops in order, each
// hop's text inside its box, and the fault marked in red where the packets stop.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netbreak } from '../helpers/cli.js';
import { CHROMIUM_SKIP, hasChromium, launchChromium, type Browser } from '../helpers/chromium.js';
import { tempDir } from '../helpers/temp-dir.js';
import { ensureBuilt } from '../history/built.js';
import { rec } from '../history/fixtures.js';

describe.skipIf(!hasChromium)(`the HTML report in Chromium${CHROMIUM_SKIP}`, () => {
  let browser: Browser;
  let file: string;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    const dir = tempDir('nb-report-html-');
    const session = rec({
      id: 'dddd444444',
      scenario: 'friday-merge',
      title: 'Zero trust, step one',
      layers: ['networkpolicy'],
      symptom: { from: 'shop/frontend', to: 'http://api.shop.svc.cluster.local:8080/', expect: 'timeout' },
      key: {
        layer: 'networkpolicy',
        object: 'NetworkPolicy/shop/default-deny-ingress',
        cause: 'default-deny-without-allow',
        causeText: 'A default-deny ingress policy selects the api pods',
      },
    });
    fs.writeFileSync(path.join(dir, 'history.jsonl'), `${JSON.stringify(session)}\n`);
    file = path.join(dir, 'report.html');
    const r = await netbreak(['report', '--format', 'html', '-o', file], { NETBREAK_DATA_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    browser = await launchChromium();
    browser.context.on('request', (req) => requests.push(req.url()));
    browser.page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    browser.page.on('pageerror', (e) => errors.push(e.message));
    await browser.page.goto(`file://${file}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('draws the packet path: pod → cluster DNS → Service → endpoint pod, left to right', async () => {
    const { page } = browser;
    const svg = page.locator('svg.packet-path');
    expect(await svg.count()).toBe(1);
    expect(await svg.isVisible()).toBe(true);
    const box = (await svg.boundingBox())!;
    expect(box.width).toBeGreaterThan(400);
    expect(box.height).toBeGreaterThan(100);

    const hops = await page.$$eval('svg.packet-path g[data-hop]', (groups) =>
      groups.map((g) => {
        const rect = g.querySelector('rect')!.getBoundingClientRect();
        const texts = [...g.querySelectorAll('text')].map((t) => ({ text: t.textContent ?? '', box: t.getBoundingClientRect() }));
        return {
          id: g.getAttribute('data-hop'),
          cls: g.getAttribute('class'),
          rect: { x: rect.x, y: rect.y, w: rect.width, h: rect.height },
          texts: texts.map((t) => ({ text: t.text, x: t.box.x, y: t.box.y, w: t.box.width, h: t.box.height })),
        };
      }),
    );
    expect(hops.map((h) => h.id)).toEqual(['client', 'dns', 'service', 'backend']);
    expect(hops.map((h) => h.texts[0]!.text)).toEqual(['pod shop/frontend', 'cluster DNS', 'Service shop/api', 'endpoint pod']);
    for (let i = 1; i < hops.length; i++) expect(hops[i]!.rect.x).toBeGreaterThan(hops[i - 1]!.rect.x + hops[i - 1]!.rect.w);
    // Text widths are estimated when the SVG is written; in a real font every line still fits its box.
    for (const hop of hops) {
      expect(hop.rect.w).toBeGreaterThan(100);
      for (const t of hop.texts) {
        expect(t.w, `${hop.id}: "${t.text}" is drawn`).toBeGreaterThan(0);
        expect(t.x, `${hop.id}: "${t.text}"`).toBeGreaterThanOrEqual(hop.rect.x - 0.5);
        expect(t.x + t.w, `${hop.id}: "${t.text}"`).toBeLessThanOrEqual(hop.rect.x + hop.rect.w + 0.5);
      }
    }
    // The packets reach the Service and die on the way into the endpoint pod.
    expect(hops.map((h) => h.cls)).toEqual(['hop', 'hop', 'hop', 'hop off']);
  });

  it('marks the fault in red, names it, and loads nothing from anywhere', async () => {
    const { page } = browser;
    const fault = page.locator('svg.packet-path line.edge.fault');
    expect(await fault.count()).toBe(1);
    // The callback runs in the page, where getComputedStyle exists (this project's types have no DOM).
    const stroke = await fault.evaluate((l) => (globalThis as unknown as { getComputedStyle(e: unknown): { stroke: string } }).getComputedStyle(l).stroke);
    expect(stroke).toBe('rgb(197, 48, 48)');
    expect(await page.locator('svg.packet-path text.ft').textContent()).toBe('fault: layer networkpolicy — NetworkPolicy/shop/default-deny-ingress');
    expect(await page.locator('svg.packet-path circle.x').isVisible()).toBe(true);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(errors).toEqual([]);
  });
});
