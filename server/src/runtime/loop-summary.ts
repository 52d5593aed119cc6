import type { LoopStats } from '../pipeline/loop-stats';

/** The terminal summary: what the loop did, in numbers a person can check against the org. */
export function formatLoopSummary(stats: LoopStats, extra: { apiCalls?: number; mode: string }): string {
  const skips = Object.entries(stats.skipsByReason)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  const lines = [
    `audience-loop summary (${extra.mode})`,
    `  records imported      ${stats.imported}`,
    `  records processed     ${stats.processed}`,
    `  records written       ${stats.recordsWritten} (${stats.fieldsWritten} fields)`,
    `  write failures        ${stats.writeFailures}`,
    `  skips by reason       ${skips || 'none'}`,
    `  audience entries      ${stats.entries}, exits ${stats.exits}`,
    `  change events         ${stats.changeEvents} (echoes of our own writes dropped: ${stats.echoesDropped})`,
  ];
  if (extra.apiCalls !== undefined) lines.push(`  Salesforce API calls  ${extra.apiCalls}`);
  return lines.join('\n');
}
