import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/k8s/objects.js';
import { streamOptions } from '../../../../src/k8s/streams/remote-command.js';
import { findExecutable } from '../../../../src/lab/netns/api-server/container-command.js';
import { containerCommand } from '../../../../src/lab/netns/api-server/pod-attach.js';
import { execRefusal } from '../../../../src/lab/netns/api-server/pod-exec.js';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'api-1', namespace: 'shop' },
  spec: { containers: [{ name: 'api' }], ephemeralContainers: [{ name: 'debugger-x2k9' }] },
} as KubeObject;
const options = (query: string) => streamOptions(new URLSearchParams(query));

describe('execRefusal', () => {
  it('lets a well-formed request through', () => {
    expect(execRefusal(pod, options('command=ls&container=api'), 'v5.channel.k8s.io')).toBeUndefined();
    expect(execRefusal(pod, options('command=ls&container=debugger-x2k9'), 'v5.channel.k8s.io')).toBeUndefined();
  });

  it("answers bad requests with kube-apiserver's words", () => {
    expect(execRefusal(pod, options('container=api'), 'v5.channel.k8s.io')?.message).toBe('you must specify at least one command for the container');
    expect(execRefusal(pod, options('command=ls&container=sidecar'), 'v5.channel.k8s.io')?.message).toBe('container sidecar is not valid for pod api-1');
  });

  it('says the same to the WebSocket attempt and to the SPDY retry kubectl makes after a refusal', () => {
    const websocket = execRefusal(pod, options('command=ls&container=api'), 'v5.channel.k8s.io', 'the pod has no sandbox yet');
    const spdy = execRefusal(pod, options('command=ls&container=api'), undefined, 'the pod has no sandbox yet');
    expect(websocket?.message).toBe('container not found ("api"): the pod has no sandbox yet');
    expect(spdy?.message).toBe(websocket?.message);
  });

  it('tells an old kubectl, which speaks only SPDY, which version to use', () => {
    expect(execRefusal(pod, options('command=ls'), undefined)?.message).toMatch(/over WebSocket only .*use kubectl 1\.30 or newer/);
  });
});

describe('what an interactive container runs', () => {
  it('is its command and args, or a shell when it names none', () => {
    expect(containerCommand({ name: 'tmp', args: ['sh'] })).toEqual(['sh']);
    expect(containerCommand({ name: 'tmp', command: ['sleep'], args: ['3600'] })).toEqual(['sleep', '3600']);
    expect(containerCommand({ name: 'debugger' })).toEqual([findExecutable('bash') ? 'bash' : 'sh']);
  });

  it("is looked up in a container's PATH, sbin included", () => {
    expect(findExecutable('sh')).toMatch(/\/sh$/);
    expect(findExecutable('no-such-tool-anywhere')).toBeUndefined();
  });
});
