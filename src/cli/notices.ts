// What a use-case wants the user to know beside its result, on stderr so that
// --json output stays clean: a workshop notice is one dim line.
import type { Notice } from '../engine/notice.js';
import { color } from './output.js';

export function printNotices(notices: Notice[]): void {
  for (const { about, text } of notices) {
    process.stderr.write(about === 'workshop' ? `${color.dim(`netbreak: workshop: ${text}`)}\n` : `netbreak: warning: ${text}\n`);
  }
}
