import type { RunStatus } from './run-recorder';

/**
 * How a finished run ends, from its counts: `Failed` when records failed and none succeeded (a run that did nothing
 * useful must not read as a partial success), `Partially_Succeeded` when some failed or `partly` says the run was
 * cut short, else `Succeeded`.
 */
export function finishedRunStatus(counts: { succeeded: number; failed: number }, partly = false): RunStatus {
  if (counts.failed > 0 && counts.succeeded === 0) return 'Failed';
  if (counts.failed > 0 || partly) return 'Partially_Succeeded';
  return 'Succeeded';
}
