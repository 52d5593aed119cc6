import { createProviderRegistry, type ProviderRegistryOptions } from '../providers/provider-registry';
import { EnrichmentRunner, type EnrichmentRunnerDeps } from './enrichment-runner';
import { providerEnvFrom } from './provider-env';

/** What LoopRuntime may tune about paid enrichment (tests point the providers at the fakes and hold the clock). */
export interface EnrichmentHookOptions extends Partial<
  Pick<
    EnrichmentRunnerDeps,
    'now' | 'policy' | 'pageSize' | 'concurrency' | 'retryPasses' | 'retryDelayMs' | 'maxRateWaitMs'
  >
> {
  /** Where provider keys and base URLs come from (default process.env). */
  environment?: Readonly<Record<string, string | undefined>>;
  registry?: Omit<ProviderRegistryOptions, 'environment' | 'now'>;
  statusIntervalMs?: number;
  schedulePattern?: EnrichmentRunnerDeps['schedulePattern'];
}

/** The runner LoopRuntime wires in: providers from the environment, everything else from the runtime. */
export function createRuntimeEnrichmentRunner(
  parts: Omit<EnrichmentRunnerDeps, 'registry'> & { defaultRegion: string },
  options: EnrichmentHookOptions = {},
): EnrichmentRunner {
  const environment = options.environment ?? process.env;
  const { defaultRegion, ...deps } = parts;
  const registry = createProviderRegistry(providerEnvFrom(environment, defaultRegion), {
    ...options.registry,
    environment,
    ...(options.now ? { now: options.now } : {}),
  });
  for (const disabled of registry.disabled) deps.logger.info({ provider: disabled.id }, disabled.reason);
  const { environment: _environment, registry: _registry, ...tuning } = options;
  return new EnrichmentRunner({ ...deps, ...tuning, registry });
}
