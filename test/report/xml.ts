// A strict little XML reader for tests: it throws on anything not well formed
// (unclosed or crossed tags, bare & or <, unquoted or duplicate attributes,
// unknown entities) and returns the element tree so tests can count elements.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;

function checkText(text: string, where: number): string {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<') throw new Error(`bare < at ${where + i}`);
    if (text[i] === '&') {
      ENTITY.lastIndex = i;
      if (!ENTITY.test(text)) throw new Error(`bare & at ${where + i}: ${text.slice(i, i + 12)}`);
    }
  }
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

export function parseXml(input: string): XmlElement {
  let s = input.replace(/^\uFEFF/, '');
  let offset = 0;
  const prolog = /^\s*(<\?xml[^?]*\?>)?\s*(<!DOCTYPE [^>]+>)?\s*/i.exec(s)!;
  offset = prolog[0].length;
  s = s.slice(offset);
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const textEnd = lt < 0 ? s.length : lt;
    const text = checkText(s.slice(i, textEnd), offset + i);
    if (stack.length === 1 && text.trim()) throw new Error(`text outside the root element at ${offset + i}`);
    stack.at(-1)!.text += text;
    if (lt < 0) break;
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt);
      if (end < 0) throw new Error('unclosed comment');
      i = end + 3;
      continue;
    }
    const gt = s.indexOf('>', lt);
    if (gt < 0) throw new Error(`unclosed tag at ${offset + lt}`);
    const tag = s.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (!open || open === root || open.name !== name) throw new Error(`</${name}> closes <${open?.name}> at ${offset + lt}`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z_][\w:.-]*)/.exec(body);
    if (!m) throw new Error(`bad tag <${tag}> at ${offset + lt}`);
    const attrs: Record<string, string> = {};
    let rest = body.slice(m[1]!.length);
    const ATTR = /^\s+([A-Za-z_][\w:.-]*)="([^"<]*)"/;
    for (;;) {
      const a = ATTR.exec(rest);
      if (!a) break;
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]} in <${m[1]}>`);
      attrs[a[1]!] = checkText(a[2]!, offset + lt);
      rest = rest.slice(a[0].length);
    }
    if (rest.trim()) throw new Error(`bad attributes in <${m[1]}>: ${rest.slice(0, 40)}`);
    const element: XmlElement = { name: m[1]!, attrs, children: [], text: '' };
    if (stack.length === 1 && root.children.length > 0) throw new Error('a second root element');
    stack.at(-1)!.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (root.children.length !== 1) throw new Error('no root element');
  return root.children[0]!;
}

export function findAll(e: XmlElement, name: string): XmlElement[] {
  return [...(e.name === name ? [e] : []), ...e.children.flatMap((c) => findAll(c, name))];
}

export function textOf(e: XmlElement): string {
  return e.text + e.children.map(textOf).join('');
}
