// Escaping for every document format the reports write. Every piece of text
// that comes from a scenario, a learner's answer or a probe goes through one of
// these, so a story containing "<script>" or "]]>" stays text.

/** Characters XML 1.0 forbids outright (most C0 controls, lone surrogates, U+FFFE/FFFF): dropped. */
const XML_INVALID = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** For element text and attribute values in HTML, SVG and XML alike. */
export function escapeXml(text: string): string {
  return text.replace(XML_INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export const escapeHtml = escapeXml;

/** Text inside a Markdown paragraph or list item: no inline HTML, no accidental emphasis, links or code. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([`*_[\]#|~])/g, '\\$1');
}

/** A Markdown table cell: escaped, and on one line. */
export function markdownCell(text: string): string {
  return escapeMarkdown(text).replace(/\r?\n/g, ' ');
}

/** A fenced code block that no line of `text` can close early. */
export function markdownFence(text: string, info = 'text'): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${text.replace(/\n$/, '')}\n${fence}`;
}
