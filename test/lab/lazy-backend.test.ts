import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/lab/backend.js';
import { kindCapabilities } from '../../src/lab/kind/capabilities.js';
import { kubeconfigCapabilities } from '../../src/lab/kubeconfig/capabilities.js';
import { lazyBackend } from '../../src/lab/lazy-backend.js';
import { silentProgress } from '../../src/lab/progress.js';

function counting(): { backend: Backend; loads: () => number; load: () => Promise<Backend> } {
  let loads = 0;
  const backend: Backend = {
    name: 'kind',
    capabilities: kindCapabilities,
    available: async () => ({ ok: true, detail: 'docker and kind answer' }),
    up: async () => {
      throw new Error('up called');
    },
    attach: async () => {
      throw new Error('attach called');
    },
    down: async (lab) => ({ lab, removed: ['cluster'] }),
    release: async (lab) => ({ lab, removed: ['namespaces'] }),
    labs: async () => ['from-the-module'],
    leftovers: async () => ['left'],
  };
  return {
    backend,
    loads: () => loads,
    load: async () => {
      loads++;
      return backend;
    },
  };
}

describe('lazyBackend', () => {
  it('lists labs and says whether it can run without loading the backend', async () => {
    const c = counting();
    const lazy = lazyBackend({
      name: 'kind',
      capabilities: kindCapabilities,
      load: c.load,
      labs: async () => ['from-records'],
      available: async () => ({ ok: false, reason: 'no docker' }),
    });
    expect(lazy.name).toBe('kind');
    expect(await lazy.labs()).toEqual(['from-records']);
    expect(await lazy.available()).toEqual({ ok: false, reason: 'no docker' });
    expect(c.loads()).toBe(0);
  });

  it('loads the backend for everything else and passes each call through', async () => {
    const c = counting();
    const lazy = lazyBackend({ name: 'kind', capabilities: kindCapabilities, load: c.load, labs: async () => [], available: c.backend.available });
    expect(await lazy.down('a')).toEqual({ lab: 'a', removed: ['cluster'] });
    expect(await lazy.release!('b')).toEqual({ lab: 'b', removed: ['namespaces'] });
    expect(await lazy.leftovers()).toEqual(['left']);
    await expect(lazy.up('c', {}, silentProgress)).rejects.toThrow('up called');
    await expect(lazy.attach('d')).rejects.toThrow('attach called');
    expect(c.loads()).toBe(5);
  });

  it('has release() only when its capabilities say release keeps something (start then calls down() instead)', () => {
    const c = counting();
    expect(
      lazyBackend({ name: 'kubeconfig', capabilities: kubeconfigCapabilities, load: c.load, labs: async () => [], available: c.backend.available }).release,
    ).toBeUndefined();
  });
});
