// Tests that run netbreak in another process need the built dist/. `npm test`
// builds first; a lone `npx vitest run test/history` builds here when dist/ is
// missing or older than the sources these tests exercise.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

const SOURCES = ['src/history', 'src/report', 'src/cli/commands/progress.ts', 'src/cli/commands/report.ts', 'src/cli/program.ts'];

function files(p: string): string[] {
  const abs = path.join(ROOT, p);
  if (!fs.existsSync(abs)) return [];
  return fs.statSync(abs).isDirectory() ? fs.readdirSync(abs).flatMap((f) => files(path.join(p, f))) : [p];
}

function stale(): boolean {
  for (const src of SOURCES.flatMap(files)) {
    const out = path.join(ROOT, 'dist', src.replace(/^src\//, '').replace(/\.ts$/, '.js'));
    if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(path.join(ROOT, src)).mtimeMs) return true;
  }
  return !fs.existsSync(path.join(ROOT, 'dist/index.js'));
}

export function ensureBuilt(): void {
  if (!stale()) return;
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], {
      cwd: ROOT,
      stdio: 'ignore',
    });
  } catch {
    // tsc emits even when another part of the tree does not typecheck; what matters is checked below.
  }
  if (stale()) throw new Error('dist/ is missing or out of date and could not be built: run npm run build');
}
