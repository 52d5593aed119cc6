import type { Logger } from '../lib/logger';
import type { EnrichmentRunner } from '../pipeline/enrich/runs/enrichment-runner';
import { evaluateAudiences } from '../pipeline/evaluate-audiences';
import type { ImportRunner } from '../pipeline/import/import-runner';
import type { MirrorStore } from '../pipeline/import/mirror-store';
import type { LiveConfig } from '../pipeline/live-config';
import type { RecordRefresher } from '../pipeline/refresh-records';

/**
 * Reloads the configuration: the config records, the enrichment plans, the imports a reload makes due (new
 * sources, newly mapped fields are backfilled) and the audiences over the mirror. Requests that arrive while a
 * reload runs share the next one, so saving many config records at once costs two reloads, not one per record.
 */
export class ConfigReloader {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      config: LiveConfig;
      enrichment: EnrichmentRunner;
      imports: ImportRunner;
      mirror: MirrorStore;
      refresher: RecordRefresher;
      logger: Logger;
    },
  ) {}

  /** Resolves when a reload that started after this request has finished (failures are logged, not thrown). */
  request(reason: string): Promise<void> {
    if (!this.running) {
      this.running = this.reload(reason).finally(() => (this.running = undefined));
      return this.running;
    }
    this.next ??= this.running.then(() => {
      this.next = undefined;
      return this.request(reason);
    });
    return this.next;
  }

  private async reload(reason: string): Promise<void> {
    const { config, logger } = this.deps;
    try {
      logger.info({ reason }, 'reloading configuration');
      await config.load();
      await this.deps.enrichment.reload();
      await this.deps.imports.runPending(config.current.sources);
      await evaluateAudiences(this.deps, config.current.audiences);
    } catch (error) {
      logger.error({ err: error }, 'reload failed');
    }
  }
}
