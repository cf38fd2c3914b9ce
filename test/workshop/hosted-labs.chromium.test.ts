// `workshop serve --host-labs` end to end, in real headless Chromium: attendees
// join in the browser with a name and nothing installed, get their own lab on
// this machine and a terminal in it (bubblewrap's sandbox), run `netbreak
// check`, apply a fix from the terminal, and the trainer's board follows; two
// attendees never see each other's terminals; a reload or a new tab comes back
// to the same shell; the next scenario starts once one is fixed; ending the
// room ends every lab and shell.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { CHROMIUM_SKIP, hasChromium, launchChromium, type Browser } from '../helpers/chromium.js';
import { labGate } from '../helpers/lab-gate.js';
import { cliForOrdinaryUsers } from '../helpers/root.js';
import { tempDir } from '../helpers/temp-dir.js';
import { serveWorkshop, type Served } from './serve-process.js';

const labTests = labGate(['bwrap', 'prlimit']);
const ALICE = 'hw-alice';
const BOB = 'hw-bob';
const LAB_READY_MS = 150_000;

/** Attendees run as nobody under root: their labs' folder must be searchable by every user. */
const stateDir = tempDir('nb-hosted-state-');
fs.chmodSync(stateDir, 0o711);

type Page = Browser['page'];

/**
 * Everything the page's terminal holds (its scrollback too), read from xterm.js's buffer, one line per row.
 * `term` is the page script's top-level const: a global binding, not a property of window, so it is named in source.
 */
function screen(page: Page): Promise<string> {
  return page.evaluate(`(() => {
    const buffer = term.buffer.active;
    const lines = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i).translateToString(true));
    return lines.join('\\n');
  })()`);
}

async function waitForScreen(page: Page, pattern: RegExp, ms = 60_000): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const text = await screen(page);
    if (pattern.test(text)) return text;
    if (Date.now() > until) throw new Error(`the terminal never showed ${pattern}; it shows:\n${text.trimEnd().split('\n').slice(-25).join('\n')}`);
    await page.waitForTimeout(200);
  }
}

async function waitForText(page: Page, selector: string, pattern: RegExp, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!pattern.test((await page.textContent(selector)) ?? '')) {
    if (Date.now() > until) throw new Error(`${selector} never showed ${pattern}: it shows ${JSON.stringify(await page.textContent(selector))}`);
    await page.waitForTimeout(200);
  }
}

async function typeLine(page: Page, line: string): Promise<void> {
  await page.click('#terminal');
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

async function join(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  await page.fill('#name', name);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/lab$/);
  await page.waitForSelector('#lab-state.state-ready', { timeout: LAB_READY_MS });
}

/** The scenario's fix from the attendee's terminal: allow the frontend to the api (the namespace and label vary by seed). */
const FIX = [
  'NS=$(kubectl get svc -A -o jsonpath="{range .items[?(@.metadata.name==\\"api\\")]}{.metadata.namespace}{end}")',
  'APP=$(kubectl get svc api -n $NS -o jsonpath="{.spec.selector.app}")',
  'printf "%s\\n" "apiVersion: networking.k8s.io/v1" "kind: NetworkPolicy" "metadata: {name: allow-frontend, namespace: $NS}" "spec:"' +
    ' "  podSelector: {matchLabels: {app: $APP}}" "  policyTypes: [Ingress]"' +
    ' "  ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{protocol: TCP, port: http}]}]" | kubectl apply -f -',
  'netbreak check',
].join('; ');

describe.skipIf(!hasChromium)(`hosted labs in Chromium${CHROMIUM_SKIP}`, () => {
  describe.skipIf(labTests.skip)(labTests.title('two attendees, each with a lab and a terminal on this machine'), () => {
    let served: Served;
    let install: ReturnType<typeof cliForOrdinaryUsers>;
    let alice: Browser;
    let bob: Browser;
    let trainer: Browser;
    let joinUrl: string;
    const requests: string[] = [];

    beforeAll(async () => {
      install = cliForOrdinaryUsers(ROOT);
      served = await serveWorkshop(
        ['--host-labs', '--scenarios', 'friday-merge,afternoon-deploy', '--port', '0', '--title', 'Hosted Friday'],
        tempDir('nb-hosted-trainer-'),
        { install: install.dir, env: { NETBREAK_STATE_DIR: stateDir } },
      );
      joinUrl = served.info.joinUrls[0]!;
      [alice, bob, trainer] = await Promise.all([launchChromium(), launchChromium(), launchChromium()]);
      for (const b of [alice, bob, trainer]) b.context.on('request', (r) => requests.push(r.url()));
      trainer.page.on('dialog', (d) => void d.accept());
      await trainer.page.goto(served.info.adminUrl);
      await trainer.page.waitForSelector('#live.on');
    }, 60_000);

    afterAll(async () => {
      await Promise.all([alice?.close(), bob?.close(), trainer?.close()]);
      expect(await served?.stop()).toBe(0);
      install?.remove();
    }, 120_000);

    it('joins in the browser, opens a terminal in the own lab, and `netbreak check` there reports to the board', async () => {
      await join(alice.page, joinUrl, ALICE);
      const { page } = alice;
      expect(await page.textContent('#scenario')).toBe('The Friday merge');
      expect(await page.textContent('#symptom')).toMatch(/^from \S+\/frontend, http:\/\/api\.\S+ fails\.$/);
      await waitForScreen(page, /Your lab is ready: The Friday merge/);
      await typeLine(page, 'netbreak check');
      await waitForScreen(page, /1 item\(s\) fail/);
      await trainer.page.waitForSelector(`td.lab[data-attendee="${ALICE}"][data-lab-state="ready"]`);
      await trainer.page.waitForSelector(`td[data-attendee="${ALICE}"][data-scenario="friday-merge"][data-state="running"]`);
      await waitForText(trainer.page, `td[data-attendee="${ALICE}"][data-scenario="friday-merge"]`, /check failing \(1 run\)/);
    }, 200_000);

    it('takes a fix typed in the terminal: the check passes, the board shows it fixed, and the next scenario is offered', async () => {
      const { page } = alice;
      await typeLine(page, FIX);
      await waitForScreen(page, /networkpolicy\.networking\.k8s\.io\/allow-frontend created[\s\S]*Fixed in \d+:\d\d/);
      await trainer.page.waitForSelector(`td[data-attendee="${ALICE}"][data-scenario="friday-merge"][data-state="fixed"]`);
      await page.waitForSelector('#next:not([hidden])');
      expect(await page.isVisible('#fixed')).toBe(true);
    }, 120_000);

    it("gives a second attendee their own lab and shell, and neither sees the other's terminal", async () => {
      await join(bob.page, joinUrl, BOB);
      // The last echo is the end marker: the screen is read once whoami and ls have printed, not before.
      await typeLine(bob.page, 'echo "bob-was-here-$((6*7))"; whoami; ls /home; echo "listed-$((2*3))"');
      const bobs = await waitForScreen(bob.page, /bob-was-here-42[\s\S]*listed-6/);
      expect(bobs).not.toMatch(/Fixed in|allow-frontend/);
      // Only bob's own home is in his view.
      expect(bobs).toMatch(new RegExp(`^${BOB}$`, 'm'));
      expect(bobs).not.toMatch(new RegExp(ALICE));
      expect(await screen(alice.page)).not.toMatch(/bob-was-here/);
      await trainer.page.waitForSelector(`td.lab[data-attendee="${BOB}"][data-lab-state="ready"]`);
    }, 200_000);

    it('comes back to the same shell after a reload and in a new tab, with the screen replayed', async () => {
      const { page } = alice;
      await typeLine(page, 'MARK=kept-$((3*5)); echo "marked $MARK"');
      await waitForScreen(page, /marked kept-15/);
      await page.reload();
      await page.waitForSelector('#live.state-ready');
      // The replay: output from before the reload is there again.
      await waitForScreen(page, /Fixed in \d+:\d\d[\s\S]*marked kept-15/);
      await typeLine(page, 'echo "still $MARK"');
      await waitForScreen(page, /still kept-15/);

      const tab = await alice.context.newPage();
      await tab.goto(new URL('/lab', joinUrl).href);
      await tab.waitForSelector('#live.state-ready');
      // The older tab is told the terminal moved, and stops reconnecting.
      await waitForText(page, '#message', /another tab/);
      await typeLine(tab, 'echo "new tab $MARK"');
      await waitForScreen(tab, /new tab kept-15/);
      alice.page = tab;
      await page.close();
    }, 60_000);

    it('starts the next scenario in the same terminal once the first is fixed', async () => {
      const { page } = alice;
      await page.click('#next');
      await waitForText(page, '#scenario', /^Refused after the afternoon deploy$/, LAB_READY_MS);
      await page.waitForSelector('#lab-state.state-ready', { timeout: LAB_READY_MS });
      await waitForScreen(page, /Your lab is ready: Refused after the afternoon deploy/);
      await trainer.page.waitForSelector(`td[data-attendee="${ALICE}"][data-scenario="afternoon-deploy"][data-state="running"]`);
      expect(await trainer.page.getAttribute(`td[data-attendee="${ALICE}"][data-scenario="friday-merge"]`, 'data-state')).toBe('fixed');
    }, 200_000);

    it('ends every lab and shell when the trainer ends the room, and nothing was fetched from elsewhere', async () => {
      await trainer.page.click('#end');
      for (const name of [ALICE, BOB]) await trainer.page.waitForSelector(`td.lab[data-attendee="${name}"][data-lab-state="ended"]`, { timeout: 90_000 });
      await alice.page.waitForSelector('#live.state-failed');
      const labsLeft = fs
        .readdirSync(path.join(stateDir, 'hosted', served.info.room, 'labs'))
        .flatMap((name) => fs.readdirSync(path.join(stateDir, 'hosted', served.info.room, 'labs', name, 'labs'), { withFileTypes: true }))
        .filter((entry) => entry.isDirectory());
      expect(labsLeft).toEqual([]);
      const origin = new URL(joinUrl).origin;
      expect(requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'))).toEqual([]);
    }, 120_000);
  });
});
