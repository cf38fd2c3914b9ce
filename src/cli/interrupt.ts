// What the user reads when Ctrl-C lands while a lab is being built; what
// happens to the lab is the engine's (src/engine/use-cases/interrupt.ts).
import type { Interruption } from '../engine/use-cases/interrupt.js';
import type { Backend } from '../lab/backend.js';

function leaveAsItIs(lab: string, backend: Backend): never {
  const also = backend.capabilities.cleanAlsoRemoves;
  const clean = also ? `; "netbreak clean" also deletes ${also}` : '';
  process.stderr.write(
    `\nnetbreak: interrupted; lab ${lab} is left as it is: "netbreak stop --lab ${lab}" undoes what its journal records and removes it${clean}.\n`,
  );
  process.exit(130);
}

export function tellInterruption(interruption: Interruption): void {
  const { lab } = interruption;
  switch (interruption.event) {
    case 'removing':
      return void process.stderr.write(`\nnetbreak: interrupted; removing lab ${lab}.\n`);
    case 'removed':
      return process.exit(130);
    case 'stopping':
      return void process.stderr.write(
        `\nnetbreak: interrupted; finishing the change in progress, then undoing the changes made so far (Ctrl-C again to leave lab ${lab} as it is).\n`,
      );
    case 'left':
      return leaveAsItIs(lab, interruption.backend);
  }
}
