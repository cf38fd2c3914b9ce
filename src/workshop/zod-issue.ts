import type { z } from 'zod';

/** The first problem zod found, as "field: message", for one-sentence errors. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unknown shape';
  return `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`;
}
