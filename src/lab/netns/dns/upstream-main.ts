// Process entry of the lab's upstream DNS server (see ../upstream-dns.ts), run in
// the lab's fabric namespace: `node upstream-main.js --listen 172.18.0.1
// [--port 53] [--pid-file <path>] [--node name=ip …]`. It writes its pid file
// once it listens, which is how the lab knows it is up.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { serveUpstream, upstreamZone } from '../upstream-dns.js';

const { values } = parseArgs({
  options: {
    listen: { type: 'string', default: '0.0.0.0' },
    port: { type: 'string', default: '53' },
    'pid-file': { type: 'string' },
    node: { type: 'string', multiple: true, default: [] },
  },
});

const nodes = values.node.map((n) => {
  const [name, ip] = n.split('=');
  return { name: name!, ip: ip! };
});

try {
  const server = await serveUpstream(upstreamZone(values.listen, nodes), values.listen, Number(values.port), (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`upstream DNS listening on ${values.listen}:${server.port} (udp, tcp)\n`);
  if (values['pid-file']) fs.writeFileSync(values['pid-file'], String(process.pid));
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} catch (error) {
  process.stderr.write(`upstream DNS: ${(error as Error).message}\n`);
  process.exit(1);
}
