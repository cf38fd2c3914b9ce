// How the lab's long-lived Node process (the supervisor, whose threads are the
// pods) is started: V8 without its optimising compilers. Its work comes in short
// bursts (a reconcile, a few probes a second) that never pay back compiling
// it, so it even uses less CPU this way, and needs about 20 MiB less memory of
// its own, and each pod thread about 6 MiB less: compiled code and the feedback
// that feeds the compilers. The flags are the process's, so its threads share
// them. Lite mode has no WebAssembly compiler either; saying so keeps V8's
// warning about it out of the logs.
export const LEAN_NODE_FLAGS: readonly string[] = ['--lite-mode', '--no-expose-wasm'];
