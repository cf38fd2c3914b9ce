// The browser terminal's files (xterm.js and its fit addon, from node_modules),
// served by netbreak itself: a room works with no internet, and nothing is
// fetched from a CDN at run time. Read once, when the room starts hosting.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { UserError } from '../../errors.js';

export interface Asset {
  type: string;
  body: Buffer;
}

const FILES: Record<string, { pkg: string; file: string; type: string }> = {
  '/assets/xterm.js': { pkg: '@xterm/xterm', file: 'lib/xterm.js', type: 'text/javascript; charset=utf-8' },
  '/assets/xterm.css': { pkg: '@xterm/xterm', file: 'css/xterm.css', type: 'text/css; charset=utf-8' },
  '/assets/addon-fit.js': { pkg: '@xterm/addon-fit', file: 'lib/addon-fit.js', type: 'text/javascript; charset=utf-8' },
};

/** The terminal's assets by URL path, plus netbreak's own page scripts. */
export function loadAssets(own: Record<string, Asset>): Map<string, Asset> {
  const require = createRequire(import.meta.url);
  const assets = new Map<string, Asset>(Object.entries(own));
  for (const [url, { pkg, file, type }] of Object.entries(FILES)) {
    let body: Buffer;
    try {
      body = fs.readFileSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file));
    } catch {
      throw new UserError(`--host-labs needs the npm package ${pkg}, which is missing from netbreak's install: run "npm ci" in netbreak's folder`);
    }
    assets.set(url, { type, body });
  }
  return assets;
}
