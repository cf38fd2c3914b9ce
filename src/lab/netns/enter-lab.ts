// How a command of this machine gets into a running lab, the way `nsenter` would:
// the one place that knows how. A lab is a process tree in its own user, mount,
// pid and network namespaces (holder.ts). A CLI invocation joins the first three
// with the lab's holder, so it sees the lab's private /run/netns, and dies with
// the lab; `ip netns exec` then puts it into a node's or pod's network namespace.
//
// Inside, the lab's processes run as an ordinary user with the capabilities of the
// lab's user namespace kept as ambient capabilities (so tcpdump, which drops
// privileges only when its uid is 0, keeps working). A process that joins a user
// namespace gets its capabilities only until it runs a program, and the nsenter of
// Debian 12 and Ubuntu 22.04/24.04 cannot keep them across exec; so a few lines of Perl
// (perl-base is part of every Debian and Ubuntu system) do what nsenter would, and
// raise the capabilities to ambient between setns(2) and exec. They also give a pod's
// commands the pod's resolv.conf (bind-mounted over /etc/resolv.conf in a mount
// namespace of their own), which is what kubelet's mount does in a container.
import fs from 'node:fs';
import { labFiles, nodeNetns, podEtcFiles, podNetns } from './names.js';

/** Syscall numbers of the calls the joiner makes, per CPU architecture (asm-generic for arm64). */
const SYSCALLS: Partial<Record<string, { setns: number; capset: number; prctl: number; unshare: number; mount: number; sethostname: number }>> = {
  x64: { setns: 308, capset: 126, prctl: 157, unshare: 272, mount: 165, sethostname: 170 },
  arm64: { setns: 268, capset: 91, prctl: 167, unshare: 97, mount: 40, sethostname: 161 },
};

/**
 * Joins the user, mount and pid namespaces of process $pid (and its network
 * namespace, the fabric, when $fabric is 1), keeps every capability as ambient,
 * optionally bind-mounts $resolv over /etc/resolv.conf (and $hostname
 * over /etc/hostname) in a private mount namespace, and the name in it as the
 * kernel's hostname in a UTS namespace of its own, then runs the command as a
 * child in the lab's pid namespace and exits as it did. Exit 125: could not enter.
 */
const JOIN = String.raw`
use strict;
my ($nr_setns, $nr_capset, $nr_prctl, $nr_unshare, $nr_mount, $nr_sethostname, $pid, $fabric, $resolv, $hostname) = splice(@ARGV, 0, 10);
sub fail { print STDERR "netbreak: cannot enter the lab (holder process $pid): $_[0]\n"; exit 125 }
sub ns { open(my $fh, '<', "/proc/$pid/ns/$_[0]") or fail("/proc/$pid/ns/$_[0]: $!"); return $fh }
my ($user, $mnt, $pidns, $net) = (ns('user'), ns('mnt'), ns('pid_for_children'), ns('net'));
my $cwd = readlink('/proc/self/cwd') // '/';
# The lab's own processes (its API server's exec) are in its user namespace already, which setns(2) refuses to join again.
if ((readlink('/proc/self/ns/user') // '') ne (readlink("/proc/$pid/ns/user") // '')) {
  syscall($nr_setns, fileno($user), 0x10000000) == 0 or fail("setns(user namespace): $!");
}
open(my $lastf, '<', '/proc/sys/kernel/cap_last_cap') or fail("/proc/sys/kernel/cap_last_cap: $!");
my $last = <$lastf>;
chomp $last;
my $lo = $last >= 31 ? 0xffffffff : (1 << ($last + 1)) - 1;
my $hi = $last >= 32 ? (1 << ($last - 31)) - 1 : 0;
my ($hdr, $data) = (pack('LL', 0x20080522, 0), pack('LLLLLL', $lo, $lo, $lo, $hi, $hi, $hi));
syscall($nr_capset, $hdr, $data) == 0 or fail("capset: $!");
for my $cap (0 .. $last) { syscall($nr_prctl, 47, 2, $cap, 0, 0) == 0 or fail("raising ambient capability $cap: $!") }
syscall($nr_setns, fileno($mnt), 0x00020000) == 0 or fail("setns(mount namespace): $!");
syscall($nr_setns, fileno($pidns), 0x20000000) == 0 or fail("setns(pid namespace): $!");
if ($fabric eq '1') { syscall($nr_setns, fileno($net), 0x40000000) == 0 or fail("setns(network namespace): $!") }
chdir($cwd) or chdir('/');
if ($resolv ne '') {
  my ($root, $etc_resolv, $etc_hostname) = ('/', '/etc/resolv.conf', '/etc/hostname');
  syscall($nr_unshare, 0x00020000) == 0 or fail("unshare(mount namespace): $!");
  syscall($nr_mount, 0, $root, 0, 16384 | 524288, 0) == 0 or fail("making / a slave mount: $!");
  syscall($nr_mount, $resolv, $etc_resolv, 0, 4096, 0) == 0 or fail("bind-mounting $resolv over /etc/resolv.conf: $!");
  syscall($nr_mount, $hostname, $etc_hostname, 0, 4096, 0) if $hostname ne '' && -e $etc_hostname;
}
# The pod's name as the kernel's hostname too (a UTS namespace of its own), as the hostname command shows in a container.
if ($hostname ne '' && open(my $hf, '<', $hostname)) {
  my $name = <$hf> // '';
  chomp $name;
  if ($name ne '' && syscall($nr_unshare, 0x04000000) == 0) { syscall($nr_sethostname, $name, length($name)) }
}
# TERM and HUP go on to the command, also one that comes while it is being forked.
my ($child, $pending);
$SIG{INT} = $SIG{QUIT} = 'IGNORE';
$SIG{TERM} = $SIG{HUP} = sub { $pending = $_[0]; kill $_[0], $child if $child };
$child = fork() // fail("fork: $!");
if ($child == 0) {
  $SIG{INT} = $SIG{QUIT} = $SIG{TERM} = $SIG{HUP} = 'DEFAULT';
  # PR_SET_PDEATHSIG: a joiner ended by SIGKILL takes its command along instead of orphaning it in the lab.
  syscall($nr_prctl, 1, 9, 0, 0, 0);
  exec { $ARGV[0] } @ARGV; print STDERR "$ARGV[0]: $!\n"; exit 127;
}
kill $pending, $child if $pending;
waitpid($child, 0);
exit(($? & 127) ? 128 + ($? & 127) : $? >> 8);
`;

/** Exit status of a command that could not enter the lab (the holder is gone, or namespaces are not ours). */
export const ENTER_FAILED = 125;

/** A node, a pod, or the lab itself; a hostNetwork pod is its node's namespace with the pod's resolv.conf and hostname. */
export type LabTarget = { node: string; hostNetworkPod?: { namespace: string; pod: string } } | { namespace: string; pod: string } | { lab: true };

/** Why this machine cannot enter labs (an architecture the joiner has no syscall numbers for), or undefined. */
export function enterUnsupported(arch: string = process.arch): string | undefined {
  if (SYSCALLS[arch]) return undefined;
  return `the netns lab supports x64 and arm64 machines, not ${arch}: use the kind backend (--backend kind)`;
}

/**
 * The argv that runs `argv` inside the lab held by process `holder`: in the lab's
 * own namespaces (`{ lab: true }`, where the fabric and /run/netns are), or in the
 * network namespace `netns` of a node or pod (pods, hostNetwork ones too, also get their resolv.conf).
 */
export function enterArgv(lab: string, holder: number, target: LabTarget, argv: string[]): string[] {
  const nr = SYSCALLS[process.arch];
  if (!nr) throw new Error(enterUnsupported());
  const netns = 'node' in target ? nodeNetns(lab, target.node) : 'pod' in target ? podNetns(lab, target.namespace, target.pod) : undefined;
  const owner = 'pod' in target ? target : 'node' in target ? target.hostNetworkPod : undefined;
  const files = owner ? podEtcFiles(lab, owner.namespace, owner.pod) : { resolvConf: '', hostname: '' };
  const inNetns = netns ? ['ip', 'netns', 'exec', netns] : [];
  const numbers = [nr.setns, nr.capset, nr.prctl, nr.unshare, nr.mount, nr.sethostname].map(String);
  const fabric = 'lab' in target ? '1' : '0';
  return ['perl', labFiles(lab).joiner, ...numbers, String(holder), fabric, files.resolvConf, files.hostname, ...inNetns, ...argv];
}

/** Writes the lab's joiner script into its state folder (readable by its owner only). */
export function writeJoiner(lab: string): void {
  fs.writeFileSync(labFiles(lab).joiner, JOIN.trimStart(), { mode: 0o600 });
}
