import type { CreditEstimate } from '../waterfall/credit-estimate';

/** The pre-run estimate as the CLI prints it. */
export function formatEstimate(planName: string, estimate: CreditEstimate): string {
  const calls = Object.entries(estimate.expectedCalls)
    .map(([provider, n]) => `${provider} ~${n}`)
    .join(', ');
  const lines = [
    `Plan ${planName}: ${estimate.records} records (${estimate.fullyCached} fully cached)`,
    `Estimated credits: ${estimate.expectedCredits} (range ${estimate.low}–${estimate.high}, worst case ${estimate.worstCase})`,
    `Expected calls: ${calls || 'none'}`,
    ...estimate.warnings.map((warning) => `Warning: ${warning}`),
  ];
  return `${lines.join('\n')}\n`;
}
