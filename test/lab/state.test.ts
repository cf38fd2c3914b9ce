// Where labs keep their state, for root (the netns lab) and for a user without
// root (the kind and kubeconfig backends).
import { expect, it } from 'vitest';
import { stateRoot } from '../../src/lab/state.js';

it('keeps root’s labs in /run/netbreak', () => {
  expect(stateRoot({ HOME: '/root' }, 0)).toBe('/run/netbreak');
  expect(stateRoot({ HOME: '/root', XDG_STATE_HOME: '/root/.state' }, 0)).toBe('/run/netbreak');
});

it('keeps a user’s labs in their own state folder: $XDG_STATE_HOME/netbreak, else ~/.local/state/netbreak', () => {
  expect(stateRoot({ HOME: '/home/alice' }, 1000)).toBe('/home/alice/.local/state/netbreak');
  expect(stateRoot({ HOME: '/home/alice', XDG_STATE_HOME: '/home/alice/.st' }, 1000)).toBe('/home/alice/.st/netbreak');
  // The XDG spec says to ignore a relative path.
  expect(stateRoot({ HOME: '/home/alice', XDG_STATE_HOME: 'relative' }, 1000)).toBe('/home/alice/.local/state/netbreak');
});

it('lets NETBREAK_STATE_DIR override both', () => {
  expect(stateRoot({ NETBREAK_STATE_DIR: '/tmp/nb', HOME: '/home/alice' }, 1000)).toBe('/tmp/nb');
  expect(stateRoot({ NETBREAK_STATE_DIR: '/tmp/nb' }, 0)).toBe('/tmp/nb');
});
