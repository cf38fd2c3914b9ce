// Grading the evidence answer: one fact the learner read off the lab, typed in.
// Answers are normalised by the fact's format so that "80/TCP", ":80" and "80"
// are one port and "app: web" is the label app=web, while a different value
// never matches.
import type { Evidence, EvidenceFormat } from '../scenario/schema.js';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function unquote(text: string): string {
  return text
    .trim()
    .replace(/^(["'`])(.*)\1$/s, '$2')
    .trim();
}

function theOneNumber(text: string): string | undefined {
  const numbers = text.match(/\d+/g);
  return numbers?.length === 1 ? String(Number(numbers[0])) : undefined;
}

function ipv4(text: string): string | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets.join('.') : undefined;
}

/**
 * The canonical form of an answer in `format`, or undefined when the text is
 * not a value of that format at all (it then matches nothing).
 */
export function normalizeEvidence(format: EvidenceFormat, raw: string): string | undefined {
  const text = unquote(raw).replace(/\s+/g, ' ');
  if (text === '') return undefined;
  switch (format) {
    case 'text':
      return text.toLowerCase();
    case 'name':
      return text.toLowerCase().replace(/\.$/, '');
    case 'number':
    case 'port':
      return theOneNumber(text);
    case 'ip':
      // 10.244.1.7:8080 and 10.244.1.7/32 name the same address.
      return ipv4(text.replace(/\/32$/, '').replace(/:\d+$/, ''));
    case 'cidr': {
      const [address, bits, ...rest] = text.split('/');
      const ip = ipv4(address ?? '');
      const n = Number(bits);
      return ip && rest.length === 0 && Number.isInteger(n) && n >= 0 && n <= 32 ? `${ip}/${n}` : undefined;
    }
    case 'label': {
      const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(text);
      return m ? `${m[1]}=${unquote(m[2]!)}` : undefined;
    }
  }
}

/** Every canonical spelling that counts as right: the answer and each accepted one. */
export function acceptedEvidence(evidence: Evidence): string[] {
  const forms = [evidence.answer, ...evidence.accept].map((a) => normalizeEvidence(evidence.format, a));
  return [...new Set(forms.filter((f): f is string => f !== undefined))];
}

export function evidenceMatches(evidence: Evidence, given: string): boolean {
  const canonical = normalizeEvidence(evidence.format, given);
  return canonical !== undefined && acceptedEvidence(evidence).includes(canonical);
}
