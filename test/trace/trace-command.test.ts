// `netbreak trace` refuses bad input with one sentence and exit code 2, before touching any lab.
import { describe, expect, it } from 'vitest';
import { netbreak } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const env = { NETBREAK_STATE_DIR: tempDir('nb-trace-cli-') };

describe('netbreak trace input', () => {
  it.each([
    [['trace', '--to', 'http://api:8080/'], /say what to trace: --from NAMESPACE\/POD --to URL/],
    [['trace', '--from', 'frontend', '--to', 'http://api:8080/'], /--from frontend: use NAMESPACE\/POD/],
    [['trace', '--from', 'shop/frontend', '--to', 'ftp://api'], /"ftp:\/\/api" is not a URL netbreak can send/],
    [['trace', '--from', 'shop/frontend', '--to', 'http://api:8080/', '-o', 'yaml'], /-o yaml is not supported: use -o json/],
  ])('%j', async (args, message) => {
    const r = await netbreak(args, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('needs a running lab', async () => {
    const r = await netbreak(['trace', '--from', 'shop/frontend', '--to', 'http://api:8080/'], env);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/no lab is running/);
  });
});
