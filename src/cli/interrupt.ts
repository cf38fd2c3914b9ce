// Ctrl-C while a lab is being built must not leave half a lab behind: remove it,
// then exit with 130 as shells expect after SIGINT.
import { netnsBackend } from '../lab/netns/backend.js';

export async function removeLabOnInterrupt<T>(lab: string, work: () => Promise<T>): Promise<T> {
  const onSignal = () => {
    process.stderr.write(`\nnetbreak: interrupted; removing lab ${lab}.\n`);
    void netnsBackend.down(lab).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
