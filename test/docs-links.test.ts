// A reader who follows a link in README, CONTRIBUTING or docs/ lands on a file
// that exists and, for `page.md#section`, on a heading that exists: pages move
// and headings get renamed, and nothing else would notice.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  'scenarios/README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The Markdown outside fenced code blocks, where `# comment` is not a heading and `[x](y)` not a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const m of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = m[1]!.replace(/<[^>]+>/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

/** Relative link targets of a page: inline links and images, without web, mail or bare-anchor-free schemes. */
function relativeLinks(markdown: string): string[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

function brokenLinks(page: string): string[] {
  const markdown = fs.readFileSync(path.join(ROOT, page), 'utf8');
  const broken: string[] = [];
  for (const target of relativeLinks(markdown)) {
    const [file, anchor] = target.split('#', 2) as [string, string | undefined];
    const resolved = file === '' ? path.join(ROOT, page) : path.resolve(path.dirname(path.join(ROOT, page)), decodeURIComponent(file));
    if (!fs.existsSync(resolved)) {
      broken.push(`${target}: no such file`);
      continue;
    }
    if (anchor && resolved.endsWith('.md') && !anchors(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
      broken.push(`${target}: no heading with that anchor in ${path.relative(ROOT, resolved)}`);
    }
  }
  return broken;
}

describe('every relative link in the documentation resolves', () => {
  it.each(PAGES)('%s', (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });
});

describe('the link check itself', () => {
  it('makes the anchors GitHub makes', () => {
    const page = '# Backends: kind\n## `--pcap` on kind\n## An existing cluster (workshops)\n## Notes\n## Notes\n```sh\n# not a heading\n```\n';
    expect([...anchors(page)]).toEqual(['backends-kind', '--pcap-on-kind', 'an-existing-cluster-workshops', 'notes', 'notes-1']);
  });

  it('reads links outside code and skips web addresses', () => {
    const page = 'See [a](docs/a.md#x), ![i](img.png) and [w](https://example.org), `[c](code.md)`.\n```md\n[f](fenced.md)\n```\n';
    expect(relativeLinks(page)).toEqual(['docs/a.md#x', 'img.png']);
  });
});
