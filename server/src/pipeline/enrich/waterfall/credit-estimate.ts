import type { AttributeKey } from '../../../domain/attributes';
import type { ProviderDescriptor, ProviderId, ProviderInput } from '../providers/provider-contract';
import type { EnrichmentCache } from './enrichment-cache';
import type { HitRateStats, ProviderHitStats } from './hit-rate-stats';
import { hasRequiredInputs } from './required-inputs';

/**
 * What we believe about a provider before we have watched it: a hit rate and how many observations that belief is
 * worth. Weak on purpose, so a few real calls move it.
 */
export interface HitRatePrior {
  hitRate: number;
  weight: number;
}

export const DEFAULT_PRIOR: HitRatePrior = { hitRate: 0.5, weight: 4 };

export interface CreditEstimate {
  records: number;
  /** Records whose every wanted attribute is already cached: they cost nothing. */
  fullyCached: number;
  expectedCalls: Record<string, number>;
  expectedCredits: number;
  /** Range from the uncertainty in the observed hit rates (about two standard deviations each way). */
  low: number;
  high: number;
  /** If every provider were called for every record and charged its per-match price: the most the run can cost. */
  worstCase: number;
  warnings: string[];
}

export interface EstimateBudget {
  perRun?: number | null;
  perMonth?: number | null;
  /** Already spent this month by the plan. */
  monthUsed?: number;
}

export interface EstimateInput {
  /** A count when the records are not at hand; the records themselves to take cache hits and inputs into account. */
  records: number | readonly ProviderInput[];
  attributes: readonly AttributeKey[];
  providerOrder: readonly ProviderId[];
  descriptors: ReadonlyMap<ProviderId, ProviderDescriptor>;
  stats: ReadonlyMap<ProviderId, ProviderHitStats>;
  /** Per record (same order as `records`), the attributes the cache already answers and providers known to miss. */
  cached?: readonly CachedKnowledge[];
  prior?: HitRatePrior;
  budget?: EstimateBudget;
}

export interface CachedKnowledge {
  hits: ReadonlySet<AttributeKey>;
  noMatchFrom: ReadonlyMap<AttributeKey, ReadonlySet<ProviderId>>;
}

type Scenario = 'mean' | 'optimistic' | 'pessimistic';

/** Posterior mean and spread of a Beta(prior) updated with `hits` of `trials`, shifted by scenario. */
function rate(hits: number, trials: number, prior: HitRatePrior, scenario: Scenario): number {
  const alpha = hits + prior.hitRate * prior.weight;
  const beta = Math.max(0, trials - hits) + (1 - prior.hitRate) * prior.weight;
  const total = alpha + beta;
  if (total <= 0) return prior.hitRate;
  const mean = alpha / total;
  if (scenario === 'mean') return mean;
  const sd = Math.sqrt((alpha * beta) / (total * total * (total + 1)));
  const shifted = scenario === 'optimistic' ? mean + 2 * sd : mean - 2 * sd;
  return Math.min(1, Math.max(0, shifted));
}

interface RecordShape {
  needed: AttributeKey[];
  /** Providers this record can be sent to at all (required inputs present). */
  eligible: ReadonlySet<ProviderId> | undefined;
  noMatchFrom: ReadonlyMap<AttributeKey, ReadonlySet<ProviderId>>;
}

function walk(
  shape: RecordShape,
  input: EstimateInput,
  prior: HitRatePrior,
  scenario: Scenario,
  calls: Record<string, number> | undefined,
): number {
  // Probability that each attribute is still missing when the waterfall reaches the next provider.
  const missing = new Map<AttributeKey, number>(shape.needed.map((attribute) => [attribute, 1]));
  let credits = 0;
  for (const id of input.providerOrder) {
    const descriptor = input.descriptors.get(id);
    if (!descriptor || (shape.eligible && !shape.eligible.has(id))) continue;
    const asked = shape.needed.filter(
      (attribute) => descriptor.produces.includes(attribute) && !shape.noMatchFrom.get(attribute)?.has(id),
    );
    if (asked.length === 0) continue;
    // Called when at least one asked attribute is still missing (attributes treated as independent).
    const pCall = 1 - asked.reduce((allFound, attribute) => allFound * (1 - (missing.get(attribute) ?? 0)), 1);
    const stats = input.stats.get(id);
    const matchRate = rate(stats?.matches ?? 0, stats?.calls ?? 0, prior, scenario);
    credits += pCall * (descriptor.cost.perCall + matchRate * descriptor.cost.perMatch);
    if (calls) calls[id] = (calls[id] ?? 0) + pCall;
    for (const attribute of asked) {
      const observed = stats?.byAttribute[attribute];
      const hit = rate(observed?.found ?? 0, observed?.asked ?? 0, prior, scenario);
      missing.set(attribute, (missing.get(attribute) ?? 0) * (1 - hit));
    }
  }
  return credits;
}

function worstCaseOf(shape: RecordShape, input: EstimateInput): number {
  let credits = 0;
  for (const id of input.providerOrder) {
    const descriptor = input.descriptors.get(id);
    if (!descriptor || (shape.eligible && !shape.eligible.has(id))) continue;
    if (shape.needed.some((attribute) => descriptor.produces.includes(attribute))) {
      credits += descriptor.cost.perCall + descriptor.cost.perMatch;
    }
  }
  return credits;
}

const round = (credits: number): number => Math.round(credits * 100) / 100;

/**
 * The pre-run estimate (DESIGN §8): records × Σ over the waterfall of P(reaching provider i) × expected cost of a
 * call to i, with P from observed hit rates per provider and attribute (a prior where nothing is observed), minus
 * what the cache already answers. Pure: the caller reads stats and cache first (see `estimateRunCredits`).
 */
export function estimateCredits(input: EstimateInput): CreditEstimate {
  const prior = input.prior ?? DEFAULT_PRIOR;
  const records = typeof input.records === 'number' ? input.records : input.records.length;
  const shapes = new Map<string, { shape: RecordShape; count: number }>();
  let fullyCached = 0;
  for (let index = 0; index < records; index += 1) {
    const known = input.cached?.[index];
    const record = typeof input.records === 'number' ? undefined : input.records[index];
    const needed = [...new Set(input.attributes)].filter((attribute) => !known?.hits.has(attribute));
    if (needed.length === 0) {
      fullyCached += 1;
      continue;
    }
    const eligible = record
      ? new Set(
          input.providerOrder.filter((id) => {
            const descriptor = input.descriptors.get(id);
            return descriptor !== undefined && hasRequiredInputs(descriptor, record);
          }),
        )
      : undefined;
    const noMatchFrom = known?.noMatchFrom ?? new Map();
    // Records with the same needs cost the same: group them so a large audience is a handful of walks.
    const signature = JSON.stringify([
      needed,
      eligible ? [...eligible] : null,
      [...noMatchFrom].map(([attribute, providers]) => [attribute, [...providers].sort()]),
    ]);
    const group = shapes.get(signature);
    if (group) group.count += 1;
    else shapes.set(signature, { shape: { needed, eligible, noMatchFrom }, count: 1 });
  }

  const expectedCalls: Record<string, number> = {};
  let expected = 0;
  let optimistic = 0;
  let pessimistic = 0;
  let worstCase = 0;
  for (const { shape, count } of shapes.values()) {
    const calls: Record<string, number> = {};
    expected += count * walk(shape, input, prior, 'mean', calls);
    for (const [id, n] of Object.entries(calls)) expectedCalls[id] = (expectedCalls[id] ?? 0) + count * n;
    optimistic += count * walk(shape, input, prior, 'optimistic', undefined);
    pessimistic += count * walk(shape, input, prior, 'pessimistic', undefined);
    worstCase += count * worstCaseOf(shape, input);
  }
  for (const id of Object.keys(expectedCalls)) expectedCalls[id] = round(expectedCalls[id] ?? 0);

  const estimate: CreditEstimate = {
    records,
    fullyCached,
    expectedCalls,
    expectedCredits: round(expected),
    // Higher hit rates can cost more (per-match prices) or less (earlier stops): the bounds take whichever is which.
    low: round(Math.min(expected, optimistic, pessimistic)),
    high: round(Math.max(expected, optimistic, pessimistic)),
    worstCase: round(worstCase),
    warnings: [],
  };
  estimate.warnings = budgetWarnings(estimate, input.budget);
  return estimate;
}

function budgetWarnings(estimate: CreditEstimate, budget: EstimateBudget | undefined): string[] {
  if (!budget) return [];
  const warnings: string[] = [];
  if (budget.perRun !== null && budget.perRun !== undefined && estimate.high > budget.perRun) {
    warnings.push(
      `The run may need up to ${estimate.high} credits but its ceiling is ${budget.perRun}: it will pause when the ` +
        `ceiling is reached.`,
    );
  }
  if (budget.perMonth !== null && budget.perMonth !== undefined) {
    const left = Math.max(0, budget.perMonth - (budget.monthUsed ?? 0));
    if (estimate.high > left) {
      warnings.push(
        `The run may need up to ${estimate.high} credits but only ${round(left)} of this month's budget of ` +
          `${budget.perMonth} are left: it will pause when the budget is used up.`,
      );
    }
  }
  return warnings;
}

/** Reads hit rates (and, when the records are given, the cache) and estimates the run. */
export async function estimateRunCredits(
  input: Omit<EstimateInput, 'stats' | 'cached'> & { hitRates: HitRateStats; cache?: EnrichmentCache },
): Promise<CreditEstimate> {
  const stats = await input.hitRates.read(input.providerOrder);
  let cached: CachedKnowledge[] | undefined;
  if (input.cache && typeof input.records !== 'number') {
    const cache = input.cache;
    cached = [];
    const batchSize = 200;
    for (let start = 0; start < input.records.length; start += batchSize) {
      const batch = input.records.slice(start, start + batchSize);
      const lookups = await Promise.all(batch.map((record) => cache.lookup(input.attributes, record)));
      for (const lookup of lookups) {
        const hits = new Set<AttributeKey>();
        const noMatchFrom = new Map<AttributeKey, ReadonlySet<ProviderId>>();
        for (const [attribute, found] of lookup) {
          if (found.kind === 'hit') hits.add(attribute);
          else if (found.kind === 'miss' && found.noMatchFrom.length > 0) {
            noMatchFrom.set(attribute, new Set(found.noMatchFrom));
          }
        }
        cached.push({ hits, noMatchFrom });
      }
    }
  }
  return estimateCredits({ ...input, stats, cached });
}
