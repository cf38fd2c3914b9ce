// Probe targets: http://host:port/path, tcp://host:port, udp://host:port, dns://name.
export interface ProbeTarget {
  scheme: 'http' | 'tcp' | 'udp' | 'dns';
  host: string;
  port: number;
  path: string;
}

export class ProbeUrlError extends Error {}

export function parseProbeUrl(text: string): ProbeTarget {
  const match = /^(http|tcp|udp|dns):\/\/([^/:\s]+)(?::(\d+))?(\/\S*)?$/.exec(text);
  if (!match) {
    throw new ProbeUrlError(`probe target "${text}" is not a URL netbreak can send: use http://host:port/path, tcp://host:port, udp://host:port or dns://name`);
  }
  const scheme = match[1] as ProbeTarget['scheme'];
  const port = match[3] ? Number(match[3]) : scheme === 'http' ? 80 : scheme === 'dns' ? 53 : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new ProbeUrlError(`probe target "${text}" needs a port between 1 and 65535, for example ${scheme}://${match[2]}:80`);
  }
  return { scheme, host: match[2]!, port, path: match[4] ?? '/' };
}
