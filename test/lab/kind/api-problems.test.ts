// Every failure the user's environment causes on the cluster backends is one
// sentence with README's exit code, never exit 70 and a stack: an API server
// that refuses, closes, shows a certificate we cannot trust or refuses our
// credentials; kind leaving no kubeconfig; the cluster going away mid-start;
// Docker stopping under a running lab. Real sockets, the fake tools, the real CLI.
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import type http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startScenario } from '../../../src/engine/start-scenario.js';
import { scenariosRoot } from '../../../src/engine/scenarios-root.js';
import { ClusterAccessError } from '../../../src/errors.js';
import { apiProblem } from '../../../src/lab/kube-api/api-problems.js';
import { kindBackend } from '../../../src/lab/kind/backend.js';
import { nodeExec } from '../../../src/lab/kind/docker.js';
import { KubeClient } from '../../../src/lab/kube-api/kube-client.js';
import { silentProgress } from '../../../src/lab/progress.js';
import { findScenario } from '../../../src/scenario/loader.js';
import { netbreak } from '../../helpers/cli.js';
import { FakeApiServer, kubeconfigText } from './fake-api-server.js';
import { useFakeTools, type FakeTools } from './fake-tools.js';
import { useFastKind } from './fast-kind.js';

const ONE_LINE = /^netbreak: [^\n]+\.$/;
/** What the CLI said last on stderr (the progress lines of start come before it). */
const said = (stderr: string) => stderr.trim().split('\n').at(-1)!;

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A server that accepts and at once closes every connection (a broken port mapping does this). */
async function closingServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const s = net.createServer((c) => c.destroy()).listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  return { url: `https://127.0.0.1:${(s.address() as AddressInfo).port}`, stop: () => new Promise((r) => s.close(() => r())) };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-tls-'));
let tls: https.Server;
let tlsUrl = '';
beforeAll(async () => {
  // A self-signed certificate the kubeconfig does not trust, as after a cluster was made again with a new CA.
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    path.join(dir, 'key.pem'),
    '-out',
    path.join(dir, 'cert.pem'),
  ]);
  tls = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (_q, r) => r.end('{}'));
  tls.listen(0, '127.0.0.1');
  await new Promise((r) => tls.once('listening', r));
  tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => tls.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A kubeconfig file for `server` with one context, trusting it only when `insecure`. */
function kubeconfigFile(server: string, insecure = true): string {
  const file = path.join(dir, `kc-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, kubeconfigText(server, ['workshop']).replace(insecure ? /$^/ : /\n\s+insecure-skip-tls-verify: true/, ''));
  return file;
}

describe('which API failures are the environment', () => {
  it("refused, closed, untrusted certificate and 401 each get their sentence; an ordinary 404/422 stays netbreak's", async () => {
    const list = (file: string) => KubeClient.fromFile(file).list('Node');
    const refused = `http://127.0.0.1:${await closedPort()}`;
    await expect(list(kubeconfigFile(refused))).rejects.toThrow(
      new ClusterAccessError(
        `the cluster's API server at ${refused} did not answer (connection refused): check that the cluster is running and reachable from this machine, then try again`,
      ),
    );
    const closing = await closingServer();
    await expect(list(kubeconfigFile(closing.url))).rejects.toThrow(/did not answer \(the connection was closed\)/);
    await closing.stop();
    await expect(list(kubeconfigFile(tlsUrl, false))).rejects.toThrow(
      new ClusterAccessError(
        `the cluster's API server at ${tlsUrl} failed the TLS check (DEPTH_ZERO_SELF_SIGNED_CERT): check the kubeconfig's certificate-authority for this cluster`,
      ),
    );
    const api = await new FakeApiServer().start();
    api.hold = async () => ({ status: 401, message: 'Unauthorized' });
    await expect(list(kubeconfigFile(api.url))).rejects.toThrow(/refused netbreak's credentials \(HTTP 401: Unauthorized\)/);
    api.hold = undefined;
    api.failNext('GET', /nodes/, 422, 'nope');
    const ordinary = await list(kubeconfigFile(api.url)).catch((e: unknown) => e);
    expect(ordinary).not.toBeInstanceOf(ClusterAccessError);
    expect(apiProblem(new Error('plain'))).toBeUndefined();
    await api.stop();
  });

  it('a kubeconfig that is gone is a lab that died (exit 4), named by its file', () => {
    expect(() => KubeClient.fromFile('/nonexistent/kubeconfig')).toThrow(
      new ClusterAccessError('the kubeconfig /nonexistent/kubeconfig is gone: run "netbreak clean" to remove the lab that used it, then start again', 4),
    );
  });
});

describe('the real CLI, through the fakes', () => {
  let fake: FakeTools;
  let env: Record<string, string>;
  afterEach(() => fake.restore());

  it('kind: an API server that does not answer after kind made the cluster → exit 3, one sentence, the cluster deleted', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    fake = useFakeTools({ state: { apiServer: url } });
    const r = await netbreak(['start', 'friday-merge', '--backend', 'kind'], fake.cliEnv());
    expect(r.code, r.stderr).toBe(3);
    expect(said(r.stderr)).toMatch(ONE_LINE);
    expect(said(r.stderr)).toBe(
      `netbreak: kind cluster netbreak's API server at ${url} did not answer (connection refused): check that Docker is running and "kind get clusters" lists netbreak, then run "netbreak clean" and start again.`,
    );
    expect(fake.state().clusters).toEqual([]);
    expect(fs.existsSync(path.join(fake.stateDir, 'labs', 'netbreak'))).toBe(false);
  });

  it('kind: success without a kubeconfig, and kind cannot give it either → exit 3, naming the file', async () => {
    fake = useFakeTools({ state: { apiServer: 'http://127.0.0.1:1', noKubeconfig: true, kubeconfigFails: true } });
    const r = await netbreak(['start', 'friday-merge', '--backend', 'kind'], fake.cliEnv());
    expect(r.code, r.stderr).toBe(3);
    expect(said(r.stderr)).toMatch(ONE_LINE);
    expect(said(r.stderr)).toMatch(
      /^netbreak: kind cluster netbreak has no kubeconfig at \S+\/labs\/netbreak\/kubeconfig, and "kind get kubeconfig --name netbreak" failed \(failed to get cluster internal kubeconfig: .*\): check that Docker is running and "kind get clusters" lists netbreak, then run "netbreak clean" and start again\.$/,
    );
    expect(fake.state().clusters).toEqual([]);
  });

  it('kind: Docker stopped → "kind get clusters" fails in one sentence (exit 3); under a running lab, node commands say Docker stopped (exit 4)', async () => {
    const api = await new FakeApiServer().start();
    api.seedCluster('netbreak');
    fake = useFakeTools({ state: { apiServer: api.url, docker: 'up' } });
    env = fake.cliEnv();
    const up = await netbreak(['lab', 'up', '--backend', 'kind'], env);
    expect(up.code, up.stderr).toBe(0);
    fake.setState({ docker: 'down' });
    // A fault's node step or trace's node dump (not the learner's own `exec`, whose docker speaks for itself).
    const exec = await nodeExec('docker', 'netbreak-worker', ['iptables-save']).catch((e: ClusterAccessError) => e);
    expect(exec).toBeInstanceOf(ClusterAccessError);
    expect((exec as ClusterAccessError).exitCode).toBe(4);
    expect(`netbreak: ${(exec as Error).message}.`).toMatch(
      /^netbreak: docker stopped answering while netbreak ran a command in node netbreak-worker \(Cannot connect to the Docker daemon .*\): start it again, then run "netbreak clean" and start the scenario again\.$/,
    );
    // With Docker down, kind cannot list clusters, and a start says so (availability answers first).
    const start = await netbreak(['start', 'friday-merge', '--backend', 'kind', '--lab', 'other'], env);
    expect(start.code).toBe(3);
    expect(said(start.stderr)).toMatch(ONE_LINE);
    fake.setState({ docker: 'up' });
    await api.stop();
  });

  it("kind: the cluster's kubeconfig removed under a running lab, and kind cannot give it → exit 4 naming it", async () => {
    const api = await new FakeApiServer().start();
    api.seedCluster('netbreak');
    fake = useFakeTools({ state: { apiServer: api.url } });
    env = fake.cliEnv();
    expect((await netbreak(['lab', 'up', '--backend', 'kind'], env)).code).toBe(0);
    const file = path.join(fake.stateDir, 'labs', 'netbreak', 'kubeconfig');
    fs.rmSync(file);
    fake.setState({ kubeconfigFails: true });
    const r = await netbreak(['get', 'pods', '-A'], env);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(
      new RegExp(`^netbreak: kind cluster netbreak has no kubeconfig at ${file}, and "kind get kubeconfig --name netbreak" failed .*\\.$`),
    );
    fake.setState({ kubeconfigFails: false });
    // kind can give it again: the lab answers as before.
    expect((await netbreak(['get', 'pods', '-A'], env)).code).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
    await api.stop();
  });

  it('kubeconfig: refused, untrusted certificate and 401 → exit 3, one sentence naming the context and what to do', async () => {
    fake = useFakeTools({ state: {} });
    const start = (file: string) =>
      netbreak(['start', 'friday-merge', '--backend', 'kubeconfig', '--context', 'workshop', '--learner', 'alice', '--kubeconfig', file], fake.cliEnv());
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const a = await start(kubeconfigFile(refused));
    expect(a.code, a.stderr).toBe(3);
    expect(said(a.stderr)).toBe(
      `netbreak: the API server of context workshop at ${refused} did not answer (connection refused): check that the cluster is up and this machine reaches it ("kubectl --context workshop get ns"; a VPN or tunnel?), then try again.`,
    );
    const file = kubeconfigFile(tlsUrl, false);
    const b = await start(file);
    expect(b.code, b.stderr).toBe(3);
    expect(said(b.stderr)).toBe(
      `netbreak: the API server of context workshop at ${tlsUrl} failed the TLS check (DEPTH_ZERO_SELF_SIGNED_CERT): check the certificate-authority of context workshop in ${file} ("kubectl --context workshop get ns" shows the same).`,
    );
    const api = await new FakeApiServer().start();
    api.hold = async () => ({ status: 401, message: 'Unauthorized' });
    const file401 = kubeconfigFile(api.url);
    const c = await start(file401);
    expect(c.code, c.stderr).toBe(3);
    expect(said(c.stderr)).toBe(
      `netbreak: the API server of context workshop at ${api.url} refused netbreak's credentials (HTTP 401: Unauthorized): renew the credentials of context workshop in ${file401} (log in to the cluster again), then check "kubectl --context workshop auth can-i create namespaces".`,
    );
    await api.stop();
  });
});

describe('the cluster goes away in the middle of start', () => {
  useFastKind({ readyMs: 2000, settleMs: 5000 });
  let api: FakeApiServer;
  let fake: FakeTools;
  beforeEach(async () => {
    api = await new FakeApiServer().start();
    api.seedCluster('netbreak');
    fake = useFakeTools({ state: { apiServer: api.url } });
  });
  afterEach(async () => {
    fake.restore();
    await api.stop().catch(() => {});
  });

  it('exit 4, one sentence, and the lab it could not remove is named for clean', async () => {
    const loaded = await findScenario(scenariosRoot(), 'friday-merge', { seed: 1 });
    // The first write of the scenario's setup: the cluster is gone from then on (Docker stopped under it).
    api.hold = async (method) => {
      if (method !== 'PATCH') return;
      api.hold = undefined;
      const server = (api as unknown as { server: http.Server }).server;
      server.close();
      server.closeAllConnections();
      await new Promise(() => {});
    };
    const stopping = startScenario(loaded, { lab: 'netbreak', seed: 1, backend: 'kind', progress: silentProgress });
    const error = await stopping.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterAccessError);
    expect((error as ClusterAccessError).exitCode).toBe(4);
    expect((error as Error).message).toMatch(
      /^kind cluster netbreak's API server at http:\/\/127\.0\.0\.1:\d+ did not answer \((connection refused|the connection was closed)\): check that Docker is running .*, and lab netbreak is left for "netbreak clean" to remove$/,
    );
    // What start made is still on record, for `clean` to find.
    expect(await kindBackend.labs()).toEqual(['netbreak']);
  });
});
