// One status line per long step, kind style: a spinner while it runs on a
// terminal, then ✓ or ✗ with the time it took. Plain lines when not a terminal.
import type { Progress } from '../lab/progress.js';
import { color } from './output.js';

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return {
    async step(title, work) {
      const started = performance.now();
      const live = Boolean(stream.isTTY) && !process.env.CI;
      // The spinner library (and its dozen dependencies) is loaded only where a spinner is shown.
      const spinner = live ? (await import('ora')).default({ text: title, stream }).start() : undefined;
      const seconds = () => color.dim(`(${((performance.now() - started) / 1000).toFixed(1)}s)`);
      try {
        const result = await work((detail) => {
          if (spinner) spinner.text = `${title}: ${detail}`;
        });
        if (spinner) spinner.succeed(`${title} ${seconds()}`);
        else stream.write(` ${color.green('✓')} ${title} ${seconds()}\n`);
        return result;
      } catch (error) {
        if (spinner) spinner.fail(`${title} ${seconds()}`);
        else stream.write(` ${color.red('✗')} ${title} ${seconds()}\n`);
        throw error;
      }
    },
  };
}
