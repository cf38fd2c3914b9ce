import type { Command } from 'commander';
import { resolveLabName } from '../../engine/current-lab.js';
import { readSession } from '../../engine/session.js';
import { isReady } from '../../k8s/ready.js';
import { attachLab } from '../../engine/current-lab.js';
import { labKubeProxyMode } from '../kube-proxy-mode.js';
import { clock, color, mark, printJson, println } from '../output.js';

export async function run(options: { lab?: string }, command: Command): Promise<void> {
  const name = await resolveLabName(options.lab);
  const session = readSession(name);
  const lab = await attachLab(name);
  const health = await lab.health();
  const pods = await lab.list('Pod');
  const kubeProxyMode = await labKubeProxyMode(lab);
  const ready = pods.filter(isReady).length;
  const elapsed = session ? Date.now() - Date.parse(session.startedAt) : 0;
  const lastCheck = session?.checks.at(-1);
  const status = {
    lab: name,
    backend: lab.backend,
    kubeProxyMode: kubeProxyMode ?? null,
    scenario: session?.scenario ?? null,
    seed: session?.seed ?? null,
    elapsedMs: elapsed,
    hintsUsed: session?.hintsUsed ?? 0,
    diagnosis: session?.diagnosis ?? null,
    lastCheck: lastCheck ?? null,
    health: { supervisor: health.ok, lastError: health.lastError, pods: pods.length, podsReady: ready },
  };
  if (command.optsWithGlobals().json) return printJson(status);
  println(`${color.bold('Lab')}        ${name} (${lab.backend})`);
  println(`${color.bold('kube-proxy')} ${kubeProxyMode ? `${kubeProxyMode} mode` : 'mode unknown (no kube-system/kube-proxy ConfigMap)'}`);
  if (session) {
    println(`${color.bold('Scenario')}   ${session.scenario} (seed ${session.seed})`);
    println(`${color.bold('Elapsed')}    ${clock(elapsed)}`);
    println(`${color.bold('Hints')}      ${session.hintsUsed} used`);
    println(`${color.bold('Diagnosis')}  ${session.diagnosis ? `${session.diagnosis.total}/100` : 'not given yet (netbreak diagnose)'}`);
    println(
      `${color.bold('Check')}      ${lastCheck ? `${mark(lastCheck.passed)} ${lastCheck.passed ? 'passed' : 'failed'} at ${lastCheck.at}` : 'not run yet (netbreak check)'}`,
    );
  } else println(`${color.bold('Scenario')}   none (sandbox)`);
  println(
    `${color.bold('Health')}     ${mark(health.ok && !health.lastError)} supervisor ${health.lastError ? `reports: ${health.lastError}` : 'ok'}, ${ready}/${pods.length} pods ready`,
  );
}
