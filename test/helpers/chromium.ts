// Real headless Chromium (Debian's, installed by .ci/run) driven by
// playwright-core, for tests of pages netbreak serves or writes. Each launch gets
// a fresh profile folder, removed when the browser closes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { SKIP_MARK } from './lab-gate.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
/** A title suffix in lab-gate.ts's form, so the run's summary counts these skips too (and CI fails on them). */
export const CHROMIUM_SKIP = hasChromium ? '' : ` (${SKIP_MARK}${CHROMIUM} is absent: run "apt-get install -y chromium", as .ci/run does)`;

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-chromium-'));
  // Playwright adds --headless itself and takes the profile as launchPersistentContext's argument.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
