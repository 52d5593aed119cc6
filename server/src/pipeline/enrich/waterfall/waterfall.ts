import type { ProviderOutcome } from '../providers/provider-contract';
import { readCache } from './cache-first';
import { handleOutcome } from './provider-answer';
import { callProvider, chargedCredits, isRemote } from './provider-call';
import { pauseMessage } from './pause-message';
import { RecordRun } from './record-run';
import { hasRequiredInputs } from './required-inputs';
import type { WaterfallRequest } from './waterfall-request';
import type { WaterfallResult } from './waterfall-result';

// The types callers know the waterfall by stay importable from here.
export type { WaterfallRequest } from './waterfall-request';
export type {
  ProviderErrorKind,
  RejectedValue,
  SkipReason,
  WaterfallCall,
  WaterfallError,
  WaterfallPause,
  WaterfallResult,
  WaterfallSkip,
} from './waterfall-result';

/**
 * Enriches one record (DESIGN §8): cache first (a hit costs nothing and calls nobody), then the plan's providers in
 * order, each asked at once for every still-missing attribute it produces so no value is bought twice. Every value
 * is validated (valueSchemaFor and the email policy) and the first valid one per attribute wins. Providers are skipped
 * when they lack inputs, have their circuit open, are rate limited beyond `maxRateWaitMs`, or are known to have
 * nothing for this lookup. Credits are reserved before each call and settled after; a crossed limit stops the
 * waterfall with `paused`. Provider failures are recorded as that provider's error and the waterfall moves on.
 */
export async function runWaterfall(request: WaterfallRequest): Promise<WaterfallResult> {
  const now = request.now ?? (() => new Date());
  const run = new RecordRun([...new Set(request.wanted)]);
  await readCache(run, request);

  for (const id of request.providerOrder) {
    const missing = run.stillMissing();
    if (missing.length === 0) break;
    const provider = request.providers.get(id);
    if (!provider) {
      run.result.skipped.push({ provider: id, reason: 'not_configured', attributes: missing });
      continue;
    }
    const descriptor = provider.descriptor;
    const produced = missing.filter((key) => descriptor.produces.includes(key));
    if (produced.length === 0) continue;
    const asked = produced.filter((key) => !run.noMatchFrom.get(key)?.has(id));
    if (asked.length < produced.length) {
      const known = produced.filter((key) => !asked.includes(key));
      run.result.skipped.push({ provider: id, reason: 'known_no_match', attributes: known });
    }
    if (asked.length === 0) continue;
    if (!hasRequiredInputs(descriptor, request.input)) {
      run.result.skipped.push({ provider: id, reason: 'missing_inputs', attributes: asked });
      continue;
    }
    const gate = await request.breaker.check(id);
    if (!gate.allowed) {
      const { trip, reason } = gate.status;
      run.result.skipped.push({
        provider: id,
        reason: 'circuit_open',
        attributes: asked,
        ...(trip !== undefined && { trip }),
        ...(reason !== undefined && { detail: reason }),
      });
      continue;
    }
    if (isRemote(descriptor)) {
      const token = await request.limiter.acquire(descriptor, { maxWaitMs: request.maxRateWaitMs ?? 2000 });
      if (!token.ok) {
        run.result.skipped.push({ provider: id, reason: 'rate_limited', attributes: asked });
        continue;
      }
    }
    const maxCost = descriptor.cost.perCall + descriptor.cost.perMatch;
    // Held a little past the call's own timeout: if this worker dies mid-call, the budget comes back by itself.
    const holdMs = Math.max(60_000, descriptor.timeoutMs * 2);
    const reserved = await request.credits.reserve(request.planId, request.runId, id, maxCost, request.limits, {
      holdMs,
    });
    if (!reserved.ok) {
      const message = pauseMessage(reserved.limit, reserved.used, reserved.ceiling, now());
      run.result.paused = {
        limit: reserved.limit,
        used: reserved.used,
        ceiling: reserved.ceiling,
        provider: id,
        message,
      };
      break;
    }
    let outcome: ProviderOutcome | undefined;
    try {
      outcome = await callProvider(provider, request.input, asked, request.signal);
    } finally {
      await request.credits.settle(reserved.reservation, outcome ? chargedCredits(outcome) : 0);
    }
    await handleOutcome(run, request, provider, asked, outcome, now());
  }
  return run.finish();
}
