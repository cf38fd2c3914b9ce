// A trace as text: one line per hop, ✓ for a step the packet took, ✗ where it
// died, · for what the learner may want to read along the way (DNS queries,
// conntrack). Colours come from the caller so this stays free of the terminal.
import type { PcapFile } from './capture.js';
import type { HopObject, TraceResult } from './hops.js';

export interface Paint {
  ok: (s: string) => string;
  fail: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

const plain: Paint = { ok: (s) => s, fail: (s) => s, dim: (s) => s, bold: (s) => s };

export type TraceReport = TraceResult & { pcaps?: PcapFile[] };

export function describeObject(o: HopObject): string {
  if (o.kind === 'Rule') {
    const who = o.by === 'chain policy' ? 'the chain policy' : o.by === 'kube-proxy' ? "kube-proxy's rule" : 'hand-written rule';
    return `${who} on ${o.detail ?? 'a node'}: ${o.name}`;
  }
  const name = o.namespace ? `${o.namespace}/${o.name}` : o.name;
  return `${o.kind} ${name}${o.detail ? ` (${o.detail})` : ''}`;
}

/** One sentence: what happened to the packet and what did it. */
export function verdictText(trace: TraceResult): string {
  const blame = trace.blame ? describeObject(trace.blame) : undefined;
  switch (trace.verdict) {
    case 'delivered':
      return `delivered${trace.answeredBy ? ` (answered by ${trace.answeredBy})` : ''}`;
    case 'dns-failed':
      return `the name did not resolve${blame ? `: ${blame}` : ''}`;
    case 'lost':
      return `lost${blame ? `: ${blame}` : ''}`;
    default:
      return `${trace.verdict}${blame ? ` by ${blame}` : ''}`;
  }
}

/** The hop list, then the probe's own result, the verdict, notes and capture files. */
export function renderTrace(trace: TraceReport, options: { paint?: Paint; indent?: string } = {}): string {
  const paint = options.paint ?? plain;
  const indent = options.indent ?? '';
  const lines: string[] = [];
  lines.push(paint.bold(`trace ${trace.from} → ${trace.to}`));
  for (const hop of trace.hops) {
    const mark = hop.status === 'ok' ? paint.ok('✓') : hop.status === 'fail' ? paint.fail('✗') : paint.dim('·');
    const text = hop.status === 'info' ? paint.dim(hop.text) : hop.text;
    lines.push(`  ${mark} ${text}`);
  }
  lines.push('');
  const verdict = trace.verdict === 'delivered' ? paint.ok(verdictText(trace)) : paint.fail(verdictText(trace));
  lines.push(`${verdict}  ${paint.dim(`(probe: ${trace.outcome}, ${trace.detail}, ${trace.ms} ms)`)}`);
  if (trace.pcaps?.length) {
    lines.push('');
    lines.push('captures (one per interface along the path):');
    for (const p of trace.pcaps) {
      const count = p.packets === null ? 'unreadable' : `${p.packets} packet${p.packets === 1 ? '' : 's'}`;
      lines.push(`  ${p.file}  ${paint.dim(`${p.where} ${p.interface}, ${count}`)}`);
    }
  }
  for (const note of trace.notes) lines.push(paint.dim(`note: ${note}`));
  return lines.map((l) => (l ? indent + l : l)).join('\n');
}
