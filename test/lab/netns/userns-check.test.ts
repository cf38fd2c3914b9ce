// What `doctor` and `start` say where the kernel forbids the user namespace a lab
// lives in: one sentence per switch, with the ways out; root is refused only by
// the switch that refuses everyone.
import { describe, expect, it } from 'vitest';
import { APPARMOR_BLOCKED, userNamespaceProblem, type SysctlReader } from '../../../src/lab/netns/userns-check.js';

const sysctls =
  (values: Record<string, string>): SysctlReader =>
  (name) =>
    values[name];
const neverTried = async () => {
  throw new Error('the probe must not run here');
};

describe('user namespaces switched off', () => {
  it('user.max_user_namespaces=0 refuses root too, and names the sysctl that allows them', async () => {
    for (const root of [true, false]) {
      const why = await userNamespaceProblem(sysctls({ 'user.max_user_namespaces': '0' }), root, neverTried);
      expect(why).toMatch(/\(user\.max_user_namespaces=0\): allow them with "sudo sysctl -w user\.max_user_namespaces=15000"/);
    }
  });

  it("Debian's kernel.unprivileged_userns_clone=0 refuses ordinary users only, and offers the sysctl or root", async () => {
    const off = sysctls({ 'user.max_user_namespaces': '15000', 'kernel.unprivileged_userns_clone': '0' });
    expect(await userNamespaceProblem(off, true, neverTried)).toBeUndefined();
    const why = await userNamespaceProblem(off, false, neverTried);
    expect(why).toMatch(/only root to make \(kernel\.unprivileged_userns_clone=0\): allow it with "sudo sysctl -w kernel\.unprivileged_userns_clone=1"/);
    expect(why).toMatch(/or run netbreak as root \(sudo\)/);
  });

  it("Ubuntu's AppArmor restriction is decided by trying: a profile that allows unshare makes it pass", async () => {
    const ubuntu = sysctls({ 'user.max_user_namespaces': '15000', 'kernel.apparmor_restrict_unprivileged_userns': '1' });
    expect(await userNamespaceProblem(ubuntu, false, async () => false)).toBe(APPARMOR_BLOCKED);
    expect(APPARMOR_BLOCKED).toMatch(
      /AppArmor profile of docs\/rootless\.md .* "sudo sysctl -w kernel\.apparmor_restrict_unprivileged_userns=0", or run netbreak as root/,
    );
    expect(await userNamespaceProblem(ubuntu, false, async () => true)).toBeUndefined();
    expect(await userNamespaceProblem(ubuntu, true, neverTried)).toBeUndefined();
  });

  it('a machine without any of the switches lets everyone make them', async () => {
    expect(await userNamespaceProblem(sysctls({}), false, neverTried)).toBeUndefined();
  });
});
