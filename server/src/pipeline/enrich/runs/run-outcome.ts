import type { EnrichmentPlan } from '../../../config/enrichment-plan';
import type { CreditEstimate } from '../waterfall/credit-estimate';

/** How a plan's run ended (or why it did not start). */
export type RunOutcome =
  | { status: 'Succeeded' | 'Partially_Succeeded' | 'Failed' | 'Paused' | 'Cancelled'; runId: string; message: string }
  | { status: 'Skipped'; message: string };

/** Follows a run as it goes (the enrichment CLI draws its estimate and progress bar from it). */
export interface RunListener {
  onEstimate?(estimate: CreditEstimate, plan: EnrichmentPlan): void;
  onProgress?(processed: number, total: number): void;
}
