import type { EnrichedWrites } from './enriched-writes';
import type { RunKeys } from './run-keys';
import type { EnrichmentRunnerDeps } from './runner-deps';
import type { StatusPublisher } from './status-publisher';
import type { WaterfallServices } from './waterfall-services';

/** What the runner's parts (plan runs, ENRICH_RECORD, entries) share: built once by `EnrichmentRunner`. */
export interface RunnerContext {
  readonly deps: EnrichmentRunnerDeps;
  readonly services: WaterfallServices;
  readonly now: () => Date;
  readonly runKeys: RunKeys;
  readonly status: StatusPublisher;
  readonly writes: EnrichedWrites;
}
