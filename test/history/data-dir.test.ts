import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, historyFile, sudoOwner } from '../../src/history/data-dir.js';

const passwd = () => 'root:x:0:0:root:/root:/bin/bash\nana:x:1000:1000:Ana:/home/ana:/bin/bash\n';

describe('dataDir', () => {
  it('prefers NETBREAK_DATA_DIR, then XDG_DATA_HOME/netbreak, then ~/.local/share/netbreak', () => {
    expect(dataDir({ NETBREAK_DATA_DIR: '/tmp/nb', XDG_DATA_HOME: '/x', HOME: '/home/a' }, undefined)).toBe('/tmp/nb');
    expect(dataDir({ XDG_DATA_HOME: '/x', HOME: '/home/a' }, undefined)).toBe('/x/netbreak');
    expect(dataDir({ HOME: '/home/a' }, undefined)).toBe('/home/a/.local/share/netbreak');
    expect(historyFile({ NETBREAK_DATA_DIR: '/tmp/nb' })).toBe(path.join('/tmp/nb', 'history.jsonl'));
  });

  it('ignores a relative XDG_DATA_HOME, as the XDG spec says', () => {
    expect(dataDir({ XDG_DATA_HOME: 'rel', HOME: '/home/a' }, undefined)).toBe('/home/a/.local/share/netbreak');
  });

  it('under sudo, keeps the history in the learner’s home, not root’s', () => {
    const env = { HOME: '/root', SUDO_USER: 'ana', SUDO_UID: '1000', SUDO_GID: '1000' };
    const owner = sudoOwner(env, 0, passwd);
    expect(owner).toEqual({ uid: 1000, gid: 1000, home: '/home/ana' });
    expect(dataDir(env, owner)).toBe('/home/ana/.local/share/netbreak');
    expect(sudoOwner(env, 1000, passwd)).toBeUndefined(); // not root: nothing to map
    expect(sudoOwner({ ...env, SUDO_UID: '1001' }, 0, passwd)).toBeUndefined(); // uid does not match the name
  });
});
