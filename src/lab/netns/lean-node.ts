// How the lab's long-lived Node processes (the supervisor and every pod's agent)
// are started: V8 without its optimising compilers. Their work comes in short
// bursts (a reconcile, a few probes a second) that never pay back compiling
// them, so they even use less CPU this way, and each needs about 6 MiB (a pod)
// to 20 MiB (the supervisor) less of its own memory: compiled code and the
// feedback that feeds the compilers. Lite mode has no WebAssembly compiler
// either; saying so keeps V8's warning about it out of every pod's log.
export const LEAN_NODE_FLAGS: readonly string[] = ['--lite-mode', '--no-expose-wasm'];
