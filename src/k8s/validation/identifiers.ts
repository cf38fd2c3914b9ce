// The checks kube-apiserver runs on names, label keys and values, and ports
// (k8s.io/apimachinery/pkg/util/validation): each returns upstream's messages, none when valid.

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${QUALIFIED_NAME})?`;
const whole = (re: string) => new RegExp(`^${re}$`);

const tooLong = (max: number) => `must be no more than ${max} characters`;
const format = (what: string, examples: string[], re: string) =>
  `${what} (e.g. ${examples.map((e) => `'${e}'`).join(',  or ')}, regex used for validation is '${re}')`;

export function dns1123Subdomain(value: string): string[] {
  const out: string[] = [];
  if (value.length > 253) out.push(tooLong(253));
  if (!whole(DNS1123_SUBDOMAIN).test(value)) {
    out.push(
      format(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        ['example.com'],
        DNS1123_SUBDOMAIN,
      ),
    );
  }
  return out;
}

export function dns1123Label(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push(tooLong(63));
  if (!whole(DNS1123_LABEL).test(value)) {
    out.push(
      format(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        ['my-name', '123-abc'],
        DNS1123_LABEL,
      ),
    );
  }
  return out;
}

export function dns1035Label(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push(tooLong(63));
  if (!whole(DNS1035_LABEL).test(value)) {
    out.push(
      format(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        ['my-name', 'abc-123'],
        DNS1035_LABEL,
      ),
    );
  }
  return out;
}

/** A label key or annotation key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
export function qualifiedName(value: string): string[] {
  const parts = value.split('/');
  const nameFormat = format(
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    ['MyName', 'my.name', '123-abc'],
    QUALIFIED_NAME,
  );
  let name: string;
  const out: string[] = [];
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const [prefix, rest] = parts as [string, string];
    name = rest;
    if (prefix.length === 0) out.push('prefix part must be non-empty');
    else out.push(...dns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `${format(
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ['MyName', 'my.name', '123-abc'],
        QUALIFIED_NAME,
      )} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push(`name part ${tooLong(63)}`);
  if (!whole(QUALIFIED_NAME).test(name)) out.push(nameFormat);
  return out;
}

export function labelValue(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push(tooLong(63));
  if (!whole(LABEL_VALUE).test(value)) {
    out.push(
      format(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        ['MyValue', 'my_value', '12345'],
        LABEL_VALUE,
      ),
    );
  }
  return out;
}

export function portNumber(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

/** An IANA service name: what a named port (`http`, `dns-tcp`) must be. */
export function portName(name: string): string[] {
  const out: string[] = [];
  if (name.length > 15) out.push(tooLong(15));
  if (!/^[-a-z0-9]+$/.test(name)) out.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) out.push('must contain at least one letter (a-z)');
  if (name.includes('--')) out.push('must not contain consecutive hyphens (-)');
  if (name.startsWith('-') || name.endsWith('-')) out.push('must not begin or end with a hyphen (-)');
  return out;
}
