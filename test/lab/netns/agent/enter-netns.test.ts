// A pod is a thread that enters its namespace with setns(2): what it opens must
// live in the pod's namespace, and nothing else (the test process, the host)
// may change. Root only: it creates a network namespace.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROOT } from '../../../helpers/cli.js';
import { hostNetnsGate } from '../../../helpers/lab-gate.js';

const labTests = hostNetnsGate();

const NETNS = `nb-enter-${process.pid}`;
const ENTER = new URL(`file://${ROOT}/dist/lab/netns/agent/enter-netns.js`).href;

/** Runs `body` in a new thread after it entered `netnsPath`; resolves with what the thread posts, rejects with its error. */
function inThread(netnsPath: string, body: string): Promise<unknown> {
  const code = `
    import { parentPort } from 'node:worker_threads';
    import fs from 'node:fs';
    import net from 'node:net';
    const { enterNetns } = await import(${JSON.stringify(ENTER)});
    await enterNetns(${JSON.stringify(netnsPath)});
    ${body}`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  return new Promise((resolve, reject) => {
    worker.once('message', (m) => void worker.terminate().then(() => resolve(m)));
    worker.once('error', reject);
  });
}

const listening = (args: string[]) => execFileSync(args[0]!, args.slice(1), { encoding: 'utf8' });

describe.skipIf(labTests.skip)(labTests.title('a pod thread enters its network namespace'), () => {
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', NETNS]);
    execFileSync('ip', ['-n', NETNS, 'link', 'set', 'lo', 'up']);
  });
  afterAll(() => {
    execFileSync('ip', ['netns', 'del', NETNS]);
  });

  it("opens its sockets and writes its sysctls in the pod's namespace, not in its process's", async () => {
    const hostRatelimit = fs.readFileSync('/proc/sys/net/ipv4/icmp_ratelimit', 'utf8');
    const reply = await inThread(
      `/run/netns/${NETNS}`,
      `fs.writeFileSync('/proc/sys/net/ipv4/icmp_ratelimit', '0');
       const server = net.createServer((s) => s.end('from the pod'));
       server.listen(0, '127.0.0.1', () => {
         const port = server.address().port;
         net.connect({ host: '127.0.0.1', port }).on('data', (d) => parentPort.postMessage({ port, body: String(d) }));
       });`,
    );
    // The thread's own client reached its server (both in the namespace: the next test looks from outside).
    expect((reply as { body: string }).body).toBe('from the pod');
    expect(listening(['ip', 'netns', 'exec', NETNS, 'cat', '/proc/sys/net/ipv4/icmp_ratelimit']).trim()).toBe('0');
    expect(fs.readFileSync('/proc/sys/net/ipv4/icmp_ratelimit', 'utf8')).toBe(hostRatelimit);
  });

  it('is seen listening from inside the namespace while it runs', async () => {
    // A thread that stays, looked at from outside.
    const code = `
      import { parentPort } from 'node:worker_threads';
      import net from 'node:net';
      const { enterNetns } = await import(${JSON.stringify(ENTER)});
      await enterNetns('/run/netns/${NETNS}');
      net.createServer().listen(0, '0.0.0.0', function () { parentPort.postMessage(this.address().port); });`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
    const live = await new Promise<number>((resolve) => worker.once('message', resolve));
    try {
      expect(listening(['ip', 'netns', 'exec', NETNS, 'ss', '-Hltn', `sport = :${live}`])).toMatch(new RegExp(`:${live}\\b`));
      expect(listening(['ss', '-Hltn', `sport = :${live}`])).toBe('');
    } finally {
      await worker.terminate();
    }
    expect(listening(['ip', 'netns', 'exec', NETNS, 'ss', '-Hltn', `sport = :${live}`])).toBe('');
  });

  it("refuses, naming the namespace, when it cannot enter it: a pod never runs in its supervisor's namespace", async () => {
    await expect(inThread(`/run/netns/${NETNS}-missing`, `parentPort.postMessage('entered')`)).rejects.toThrow(`/run/netns/${NETNS}-missing`);
    // Not a network namespace: the kernel's reason is named.
    await expect(inThread('/proc/self/ns/uts', `parentPort.postMessage('entered')`)).rejects.toThrow('setns(2) into /proc/self/ns/uts failed: EINVAL');
  });
});

describe('the lab preflight', () => {
  it('says in one sentence what to do when koffi cannot load on this machine', async () => {
    vi.resetModules();
    // What koffi says on a platform it ships no build for.
    vi.doMock('koffi', () => ({
      default: {
        load: () => {
          throw new Error('Cannot find the native Koffi module; did you compile it?');
        },
      },
    }));
    const { setnsUnavailable } = await import('../../../../src/lab/netns/agent/enter-netns.js');
    const reason = await setnsUnavailable();
    vi.doUnmock('koffi');
    expect(reason).toMatch(
      /^the netns lab's pods enter their namespaces with setns\(2\) through koffi, which does not load on linux-\w+ here \(.*Cannot find the native Koffi module.*\): reinstall netbreak on this machine .*--backend kind\)$/,
    );
  });

  it('finds setns(2) callable on this machine', async () => {
    vi.resetModules();
    const { setnsUnavailable } = await import('../../../../src/lab/netns/agent/enter-netns.js');
    expect(await setnsUnavailable()).toBeUndefined();
  });
});
