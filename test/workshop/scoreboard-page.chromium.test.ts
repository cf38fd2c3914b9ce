// The scoreboard page in real headless Chromium, fed by a real `netbreak
// workshop serve`: attendees join through the CLI and their start → hint →
// diagnose → check → stop appear on the open page without a reload. As root,
// two attendees play real netns labs on this one machine (labs named after
// them, one state folder); everywhere, a third reports through the client
// module with the real signing code. The trainer's view exports CSV and ends
// the workshop, and every viewer sees it. No request leaves the server.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netbreak, ROOT } from '../helpers/cli.js';
import { CHROMIUM_SKIP, hasChromium, launchChromium, type Browser } from '../helpers/chromium.js';
import { guardHost } from '../helpers/host-guard.js';
import { labGate } from '../helpers/lab-gate.js';

const labTests = labGate();
import { tempDir } from '../helpers/temp-dir.js';
import { deliver } from '../../src/workshop/reporter.js';
import type { SessionSummary, WorkshopEvent } from '../../src/workshop/session-summary.js';
import { serveWorkshop, type Served } from './serve-process.js';
import { newSession } from './session-fixture.js';

const ALICE = 'ws-alice';
const CAROL = 'ws-carol';
const BOB = 'ws-bob';
/** One machine hosting the room: every attendee's lab in one state folder, each attendee with their own data folder. */
const stateDir = tempDir('nb-ws-state-');
const dataOf: Record<string, string> = { [ALICE]: tempDir('nb-ws-alice-'), [CAROL]: tempDir('nb-ws-carol-'), [BOB]: tempDir('nb-ws-bob-') };
const as =
  (name: string) =>
  (...args: string[]) =>
    netbreak(args, { NETBREAK_DATA_DIR: dataOf[name]!, NETBREAK_STATE_DIR: stateDir });

const cell = (name: string, scenario: string, extra = '') => `td[data-attendee="${name}"][data-scenario="${scenario}"]${extra}`;

describe.skipIf(!hasChromium)(`the scoreboard page in Chromium${CHROMIUM_SKIP}`, () => {
  let served: Served;
  let browser: Browser;
  let origin: string;
  const requests: string[] = [];
  let navigations = 0;

  beforeAll(async () => {
    served = await serveWorkshop(
      ['--scenarios', 'friday-merge,afternoon-deploy', '--port', '0', '--duration', '2h', '--title', 'Friday networking'],
      tempDir('nb-ws-trainer-'),
    );
    origin = `http://127.0.0.1:${served.info.port}`;
    browser = await launchChromium();
    browser.context.on('request', (r) => requests.push(r.url()));
    browser.page.on('framenavigated', (f) => {
      if (f === browser.page.mainFrame()) navigations++;
    });
    await browser.page.goto(`${origin}/`);
    await browser.page.waitForSelector('#live.on');
    // Set once; a reload would lose it.
    await browser.page.evaluate(() => ((globalThis as unknown as { loadedOnce: string }).loadedOnce = 'yes'));
  });

  afterAll(async () => {
    await browser?.close();
    expect(await served?.stop()).toBe(0);
  });

  it('shows the empty room, then each attendee the moment they join', async () => {
    const { page } = browser;
    expect(await page.title()).toBe('Friday networking · netbreak');
    expect(await page.textContent('#status')).toMatch(/^0 attendees · 2 scenarios · ends in 1:5\d:\d\d$/);
    expect(await page.textContent('thead')).toMatch(/The Friday mergefriday-merge/);
    expect(await page.textContent('tbody')).toMatch(/No attendees yet/);

    for (const name of [ALICE, CAROL, BOB]) expect((await as(name)('workshop', 'join', served.info.joinUrls[0]!, '--name', name)).code).toBe(0);
    await page.waitForSelector(`tr[data-attendee="${BOB}"]`);
    expect(await page.textContent('#status')).toMatch(/^3 attendees/);
    expect(await page.getAttribute(cell(ALICE, 'friday-merge'), 'data-state')).toBe('none');
  });

  it("shows reports sent through the client module (signed with the attendee's token) as they arrive", async () => {
    const { page } = browser;
    const previous = process.env.NETBREAK_DATA_DIR;
    process.env.NETBREAK_DATA_DIR = dataOf[BOB];
    try {
      const startedAt = new Date(Date.now() - 65_000).toISOString();
      const session = (over: Partial<SessionSummary>): WorkshopEvent['session'] =>
        newSession({ id: 'b0b0b0b0b0', scenario: 'afternoon-deploy', seed: 5, lab: BOB, startedAt, ...over });
      expect(await deliver({ type: 'started', session: session({}) })).toEqual({ status: 'sent', sent: 1 });
      await page.waitForSelector(cell(BOB, 'afternoon-deploy', '[data-state="running"]'));
      // The running clock counts up in the page, from the server's time.
      const ticking = await page.textContent(cell(BOB, 'afternoon-deploy', ' .time'));
      expect(ticking).toMatch(/^1:\d\d$/);
      const diagnosis = { total: 70, points: 80, at: new Date().toISOString() };
      expect((await deliver({ type: 'diagnosed', session: session({ hintsUsed: 1, diagnosis }) })).status).toBe('sent');
      await page.waitForSelector(cell(BOB, 'afternoon-deploy', '[data-score="70"][data-hints="1"]'));
      expect(await page.textContent(cell(BOB, 'afternoon-deploy'))).toMatch(/diagnosis 70\/100 · 1 hint/);
    } finally {
      if (previous === undefined) delete process.env.NETBREAK_DATA_DIR;
      else process.env.NETBREAK_DATA_DIR = previous;
    }
  });

  describe.skipIf(labTests.skip)(labTests.title("two attendees' real netns labs on this machine"), () => {
    guardHost(ALICE);
    afterAll(async () => {
      // Whatever happened above, no lab is left behind.
      for (const name of [ALICE, CAROL]) await as(name)('stop', '--lab', name);
    });

    // Two labs started, checked, fixed and stopped: time for a busy machine running another lab file beside this one.
    it('start, hint, diagnose, check and stop from the CLI update the board without a reload', { timeout: 180_000 }, async () => {
      const { page } = browser;
      const alice = as(ALICE);
      const carol = as(CAROL);
      const seeds = (await alice('workshop', 'status', '--json')).json().seeds;

      // carol's lab runs beside alice's: each attendee's commands find their own lab without --lab.
      const carolStart = await carol('start', 'afternoon-deploy', '--json');
      expect(carolStart.code, carolStart.stderr).toBe(0);
      expect(carolStart.json().lab).toBe(CAROL);
      const start = await alice('start', 'friday-merge', '--json');
      expect(start.code, start.stderr).toBe(0);
      const started = start.json();
      expect(started).toMatchObject({ lab: ALICE, backend: 'netns', seed: seeds['friday-merge'] });
      await page.waitForSelector(cell(ALICE, 'friday-merge', '[data-state="running"]'));
      await page.waitForSelector(cell(CAROL, 'afternoon-deploy', '[data-state="running"]'));

      expect((await alice('hint')).code).toBe(0);
      await page.waitForSelector(cell(ALICE, 'friday-merge', '[data-hints="1"]'));

      const { namespace, policy, apiLabel } = started.params;
      const diagnose = await alice(
        'diagnose',
        '--layer',
        'networkpolicy',
        '--object',
        `NetworkPolicy/${namespace}/${policy}`,
        '--cause',
        'default-deny-without-allow',
        '--evidence',
        `app=${apiLabel}`,
      );
      expect(diagnose.code, diagnose.stderr).toBe(0);
      await page.waitForSelector(cell(ALICE, 'friday-merge', '[data-score="90"]'));
      expect(await page.textContent(cell(ALICE, 'friday-merge'))).toMatch(/evidence ✓/);

      expect((await alice('check')).code).toBe(1);
      await page.waitForSelector(`${cell(ALICE, 'friday-merge')} .note`);
      expect(await page.textContent(cell(ALICE, 'friday-merge'))).toMatch(/check failing \(1 run\)/);
      expect((await carol('check')).code).toBe(1);

      // The learner's fix: the scenario's own allow policy, in alice's variant.
      const template = fs.readFileSync(path.join(ROOT, 'scenarios/friday-merge/manifests/allow-frontend-to-api.yaml'), 'utf8');
      const fix = path.join(dataOf[ALICE]!, 'fix.yaml');
      fs.writeFileSync(
        fix,
        template.replace(/\{\{ params\.(\w+) \}\}/g, (_, k: string) => String(started.params[k])),
      );
      expect((await alice('apply', '-f', fix)).code).toBe(0);
      const check = await alice('check');
      expect(check.code, check.stdout).toBe(0);
      await page.waitForSelector(cell(ALICE, 'friday-merge', '[data-state="fixed"]'));
      expect(await page.textContent(`tr[data-attendee="${ALICE}"] .total-fixed`)).toBe('1');
      expect(await page.textContent(`tr[data-attendee="${ALICE}"] .rank`)).toBe('1');

      expect((await alice('stop')).code).toBe(0);
      expect((await carol('stop')).code).toBe(0);
      await page.waitForSelector(cell(CAROL, 'afternoon-deploy', '[data-state="stopped"]'));
      expect(await page.getAttribute(cell(ALICE, 'friday-merge'), 'data-state')).toBe('fixed');
      expect(await page.textContent(cell(ALICE, 'friday-merge', ' .time'))).toMatch(/^\d+:\d\d$/);
    });
  });

  it("the trainer's view exports CSV and ends the workshop; every open board shows it", async () => {
    const admin = await browser.context.newPage();
    await admin.goto(served.info.adminUrl);
    await admin.waitForSelector('#admin:not([hidden])');
    expect(admin.url()).toBe(`${origin}/`); // the token left the address bar
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.click('#export-csv')]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^rank,attendee,scenario,/);
    expect(csv).toMatch(new RegExp(`^\\d+,${BOB},afternoon-deploy,\\d+,5,netns,`, 'm'));
    if (!labTests.skip) expect(csv).toMatch(new RegExp(`^1,${ALICE},friday-merge,(\\d+),\\1,netns,.*,90,true,1,2,true,false,`, 'm'));

    admin.once('dialog', (d) => void d.accept());
    await admin.click('#end');
    await browser.page.waitForSelector('#status[data-state="ended"]');
    expect(await browser.page.textContent('#status')).toMatch(/· ended$/);
    await admin.close();
  });

  it('never reloaded, and never asked anything of any other host', async () => {
    expect(navigations).toBe(1);
    expect(await browser.page.evaluate(() => (globalThis as unknown as { loadedOnce?: string }).loadedOnce)).toBe('yes');
    const foreign = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(foreign).toEqual([]);
  });
});
