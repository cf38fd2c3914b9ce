// What a use-case wants the learner to know without changing its outcome (a
// history line not written, a workshop report still queued). Use-cases never
// print: they return these, and the CLI prints them on stderr.
export interface Notice {
  /** `workshop`: about reporting to the workshop server; `warning`: anything else. */
  about: 'workshop' | 'warning';
  text: string;
}
