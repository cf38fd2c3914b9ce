// The packet path as an inline SVG: four boxes (pod → DNS → Service → endpoint
// pod), grey where the packets never get, and the fault marked in red where
// they stop, with the faulting layer and object spelled out underneath.
// No fonts are loaded: text widths are estimated, and long text is wrapped or
// clipped (the whole text stays in a tooltip).
import { escapeXml } from './escape.js';
import type { Hop, PacketPath } from './packet-path.js';

const W = 860;
const MARGIN = 20;
const BOX_W = 182;
const BOX_H = 100;
const BOX_Y = 56;
const GAP = (W - 2 * MARGIN - 4 * BOX_W) / 3;
const boxX = (i: number) => MARGIN + i * (BOX_W + GAP);
/** Rough average glyph width of a sans-serif font, per pixel of font size. */
const EM = 0.58;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

/** Words into at most `lines` lines of `max` characters; what does not fit is clipped with an ellipsis. */
export function wrap(text: string, max: number, lines: number): string[] {
  const out: string[] = [];
  let line = '';
  const words = text.split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const next = line ? `${line} ${word}` : word;
    if (next.length <= max) {
      line = next;
      continue;
    }
    if (line) out.push(line);
    line = word;
    if (out.length === lines - 1) {
      line = words.slice(i).join(' ');
      break;
    }
  }
  if (line) out.push(line);
  return out.slice(0, lines).map((l, i, all) => (i === all.length - 1 ? clip(l, max) : l));
}

interface TextOptions {
  size: number;
  cls: string;
  anchor?: 'start' | 'middle' | 'end';
}

/** A text element, escaped, with the whole text as a tooltip when it had to be shortened. */
function text(x: number, y: number, shown: string, whole: string, o: TextOptions): string {
  const tip = shown === whole ? '' : `<title>${escapeXml(whole)}</title>`;
  return `<text x="${Math.round(x)}" y="${Math.round(y)}" class="${o.cls}" text-anchor="${o.anchor ?? 'start'}">${tip}${escapeXml(shown)}</text>`;
}

/** Lines of wrapped text centred in a box column. */
function block(cx: number, y: number, value: string, o: TextOptions & { lines: number; lineHeight: number }): { svg: string; height: number } {
  const max = Math.floor((BOX_W - 14) / (o.size * EM));
  const lines = wrap(value, max, o.lines);
  const whole = lines.join(' ') === value.split(/\s+/).filter(Boolean).join(' ') ? undefined : value;
  const svg = lines.map((l, i) => text(cx, y + i * o.lineHeight, l, whole ?? l, { ...o, anchor: 'middle' })).join('');
  return { svg, height: lines.length * o.lineHeight };
}

function hopBox(hop: Hop, i: number, faulted: boolean): string {
  const x = boxX(i);
  const cx = x + BOX_W / 2;
  const live = hop.used && hop.reached;
  const cls = faulted ? 'hop fault' : live ? 'hop' : 'hop off';
  const parts = [`<g class="${cls}" data-hop="${hop.id}">`, `<rect x="${x}" y="${BOX_Y}" width="${BOX_W}" height="${BOX_H}" rx="8"/>`];
  const title = block(cx, BOX_Y + 22, hop.title, { size: 13, cls: 't', lines: 1, lineHeight: 16 });
  const detail = block(cx, BOX_Y + 42, hop.detail, { size: 11, cls: 'd', lines: 2, lineHeight: 14 });
  const layers = block(cx, BOX_Y + 78, hop.layers.join(' · '), { size: 10, cls: 'l', lines: 2, lineHeight: 12 });
  parts.push(title.svg, detail.svg, layers.svg);
  if (faulted)
    parts.push(
      `<circle cx="${x + BOX_W - 4}" cy="${BOX_Y + 4}" r="11" class="x"/>`,
      `<text x="${x + BOX_W - 4}" y="${BOX_Y + 9}" class="xt" text-anchor="middle">✗</text>`,
    );
  parts.push('</g>');
  return parts.join('');
}

function arrow(i: number, into: Hop, faulted: boolean, id: string): string {
  const x1 = boxX(i) + BOX_W;
  const x2 = boxX(i + 1) - 2;
  const y = BOX_Y + BOX_H / 2;
  const cls = faulted ? 'edge fault' : into.used && into.reached ? 'edge' : 'edge off';
  const marker = faulted ? `${id}-ah-fault` : `${id}-ah`;
  let out = `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" class="${cls}" marker-end="url(#${marker})"/>`;
  if (faulted) {
    const mx = (x1 + x2) / 2;
    out += `<circle cx="${mx}" cy="${y}" r="11" class="x"/><text x="${mx}" y="${y + 5}" class="xt" text-anchor="middle">✗</text>`;
  }
  return out;
}

/** A line of text placed as close to `x` as fits inside the drawing. */
function near(x: number, y: number, value: string, o: TextOptions): string {
  const max = Math.floor((W - 2 * MARGIN) / (o.size * EM));
  const shown = clip(value, max);
  const width = shown.length * o.size * EM;
  const left = Math.min(Math.max(MARGIN, x - width / 2), W - MARGIN - width);
  return text(left, y, shown, value, { ...o, anchor: 'start' });
}

/** `id` makes the ids unique when several diagrams share one HTML page. */
export function packetPathSvg(path: PacketPath, id = 'pp'): string {
  const fault = path.fault;
  const faultIndex = fault ? path.hops.findIndex((h) => h.id === fault.at) : -1;
  const below = BOX_Y + BOX_H;
  const H = fault ? below + 96 : below + 36;
  const body: string[] = [];
  body.push(text(MARGIN, 22, 'Packet path of the symptom', 'Packet path of the symptom', { size: 14, cls: 'h' }));
  const sub = `${path.from} → ${path.to} · the learner sees: ${path.expect}`;
  body.push(text(MARGIN, 41, clip(sub, Math.floor((W - 2 * MARGIN) / (12 * EM))), sub, { size: 12, cls: 's' }));
  path.hops.forEach((hop, i) => {
    if (i > 0) body.push(arrow(i - 1, hop, Boolean(fault?.onTheWay) && i === faultIndex, id));
  });
  path.hops.forEach((hop, i) => body.push(hopBox(hop, i, Boolean(fault && !fault.onTheWay) && i === faultIndex)));
  if (fault && faultIndex >= 0) {
    const x = fault.onTheWay ? boxX(faultIndex) - GAP / 2 : boxX(faultIndex) + BOX_W / 2;
    const top = fault.onTheWay ? BOX_Y + BOX_H / 2 + 11 : below;
    body.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${below + 26}" class="lead"/>`);
    body.push(near(x, below + 44, `fault: layer ${fault.layer}${fault.object ? ` — ${fault.object}` : ''}`, { size: 13, cls: 'ft' }));
    if (fault.why) body.push(near(x, below + 64, fault.why, { size: 12, cls: 'fw' }));
  }
  const legend = 'solid: the packets get here · grey dashed: never reached or not needed · red ✗: where the fault stops them';
  body.push(text(MARGIN, H - 8, legend, legend, { size: 10, cls: 'lg' }));
  const title = `Packet path from ${path.from} to ${path.to}${fault ? `; the fault (layer ${fault.layer}) stops the packets at ${fault.at}` : ''}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="packet-path" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="${id}-title">`,
    `<title id="${id}-title">${escapeXml(title)}</title>`,
    '<defs>',
    `<marker id="${id}-ah" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#4a5568"/></marker>`,
    `<marker id="${id}-ah-fault" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#c53030"/></marker>`,
    '</defs>',
    '<style>',
    'text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:#1a202c}',
    '.h{font-size:14px;font-weight:600}.s{font-size:12px;fill:#4a5568}.t{font-size:13px;font-weight:600}.d{font-size:11px}.l{font-size:10px;fill:#4a5568}',
    '.hop rect{fill:#ebf4ff;stroke:#2b6cb0;stroke-width:1.5}',
    '.hop.off rect{fill:#f7fafc;stroke:#a0aec0;stroke-dasharray:5 4}.hop.off text{fill:#a0aec0}',
    '.hop.fault rect{fill:#fff5f5;stroke:#c53030;stroke-width:3}',
    '.edge{stroke:#4a5568;stroke-width:2}.edge.off{stroke:#a0aec0;stroke-dasharray:5 4}.edge.fault{stroke:#c53030;stroke-width:2.5;stroke-dasharray:6 3}',
    '.x{fill:#c53030}.xt{fill:#fff;font-size:14px;font-weight:700}',
    '.lead{stroke:#c53030;stroke-width:1.5;stroke-dasharray:3 3}.ft{font-size:13px;font-weight:600;fill:#c53030}.fw{font-size:12px;fill:#742a2a}',
    '.lg{font-size:10px;fill:#718096}',
    '</style>',
    ...body,
    '</svg>',
  ].join('\n');
}
