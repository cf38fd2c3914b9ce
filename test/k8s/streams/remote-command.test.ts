import { describe, expect, it } from 'vitest';
import {
  CHANNEL,
  exitStatus,
  frame,
  negotiate,
  parseInbound,
  PROTOCOL_V4,
  PROTOCOL_V5,
  startFailure,
  streamOptions,
} from '../../../src/k8s/streams/remote-command.js';

describe('negotiate', () => {
  it('answers kubectl 1.30+, which offers only v5, with v5', () => {
    expect(negotiate('v5.channel.k8s.io')).toBe(PROTOCOL_V5);
  });

  it('prefers v5 over v4 whatever the order, and takes v4 from a client that offers nothing newer', () => {
    expect(negotiate(['v4.channel.k8s.io', 'v5.channel.k8s.io'])).toBe(PROTOCOL_V5);
    expect(negotiate('v4.channel.k8s.io, v3.channel.k8s.io')).toBe(PROTOCOL_V4);
  });

  it('refuses protocols it does not speak (SPDY, the base64 channels, none at all)', () => {
    expect(negotiate('base64.channel.k8s.io')).toBeUndefined();
    expect(negotiate(undefined)).toBeUndefined();
  });
});

describe('frames', () => {
  it('prefixes every message with its channel byte', () => {
    expect([...frame(CHANNEL.stdout, 'hi')]).toEqual([1, 0x68, 0x69]);
    expect([...frame(CHANNEL.error, Buffer.from('{}'))]).toEqual([3, 0x7b, 0x7d]);
  });

  it('reads stdin, terminal sizes and the v5 close of stdin', () => {
    expect(parseInbound(Buffer.from([0, 0x61]), PROTOCOL_V5)).toEqual({ kind: 'stdin', data: Buffer.from('a') });
    expect(parseInbound(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":132,"Height":43}')]), PROTOCOL_V5)).toEqual({
      kind: 'resize',
      width: 132,
      height: 43,
    });
    expect(parseInbound(Buffer.from([255, 0]), PROTOCOL_V5)).toEqual({ kind: 'close', channel: 0 });
  });

  it('knows no close signal under v4, and drops a size it cannot read', () => {
    expect(parseInbound(Buffer.from([255, 0]), PROTOCOL_V4).kind).toBe('ignored');
    expect(parseInbound(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":"wide"}')]), PROTOCOL_V5).kind).toBe('ignored');
    expect(parseInbound(Buffer.concat([Buffer.from([4]), Buffer.from('not json')]), PROTOCOL_V5).kind).toBe('ignored');
    expect(parseInbound(Buffer.alloc(0), PROTOCOL_V5).kind).toBe('ignored');
  });
});

describe('exitStatus', () => {
  it('reports success as kubelet does', () => {
    expect(exitStatus(['true'], 0)).toEqual({ metadata: {}, status: 'Success' });
  });

  it('carries a non-zero exit code where kubectl reads it (reason NonZeroExitCode, cause ExitCode)', () => {
    const status = exitStatus(['sh', '-c', 'exit 7'], 7) as { reason: string; message: string; details: { causes: { reason: string; message: string }[] } };
    expect(status.reason).toBe('NonZeroExitCode');
    expect(status.details.causes).toEqual([{ reason: 'ExitCode', message: '7' }]);
    expect(status.message).toBe('command terminated with non-zero exit code: error executing command [sh -c exit 7], exit code 7');
  });

  it('reports a command that cannot start as an internal error, which kubectl prints and exits 1 for', () => {
    expect(startFailure('exec: "nope": executable file not found in $PATH')).toMatchObject({
      status: 'Failure',
      reason: 'InternalError',
      message: 'Internal error occurred: exec: "nope": executable file not found in $PATH',
    });
  });
});

describe('streamOptions', () => {
  it('reads the repeated command parameter and the stream flags kubectl sends', () => {
    const query = new URLSearchParams('command=sh&command=-c&command=echo+hi&container=api&stdin=true&stdout=true&tty=true');
    expect(streamOptions(query)).toEqual({ command: ['sh', '-c', 'echo hi'], container: 'api', stdin: true, stdout: true, stderr: true, tty: true });
  });

  it('defaults to output without input or terminal', () => {
    expect(streamOptions(new URLSearchParams('command=ls&stderr=false'))).toEqual({ command: ['ls'], stdin: false, stdout: true, stderr: false, tty: false });
  });
});
