import type { Logger } from '../lib/logger';
import type { EnrichmentRunner } from '../pipeline/enrich/runs/enrichment-runner';
import { evaluateAudiences } from '../pipeline/evaluate-audiences';
import type { ImportRunner } from '../pipeline/import/import-runner';
import type { SourceChangeApplier } from '../pipeline/import/source-change-applier';
import type { MirrorStore } from '../pipeline/import/mirror-store';
import type { LiveConfig } from '../pipeline/live-config';
import type { RecordRefresher } from '../pipeline/refresh-records';
import { systemReloadTimer, type ReloadTimer } from './reload-timer';

export interface ConfigReloaderDeps {
  config: LiveConfig;
  enrichment: EnrichmentRunner;
  imports: ImportRunner;
  mirror: MirrorStore;
  refresher: RecordRefresher;
  /** Applies changed sources: leavers go, changed sources are imported again. */
  sources: SourceChangeApplier;
  logger: Logger;
  /** How reloads are paced (default: the system clock and setTimeout). */
  timer?: ReloadTimer;
  /** Quiet time before a reload starts, so one save of many records costs one reload (ms; default 500). */
  settleMs?: number;
  /** Shortest time between the starts of two reloads (ms; default 5 s). */
  minIntervalMs?: number;
}

/** A reload that has been asked for and not started yet: every request until it starts joins it. */
interface PendingReload {
  reasons: Set<string>;
  done: Promise<void>;
  resolve: () => void;
  cancel: () => void;
}

/**
 * Reloads the configuration: the config records, the sources' changes (records no source includes any more leave),
 * the enrichment plans, the imports a reload makes due (new or changed sources, newly mapped fields are backfilled)
 * and the audiences over the mirror. Reloads are paced: one starts
 * after a short quiet time and at most once every `minIntervalMs`, and it covers every request that arrived before
 * it started — an admin saving 34 records, in one call or one at a time, costs one or two reloads, not 34.
 */
export class ConfigReloader {
  private readonly timer: ReloadTimer;
  private readonly settleMs: number;
  private readonly minIntervalMs: number;
  private running: Promise<void> = Promise.resolve();
  private pending: PendingReload | undefined;
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(private readonly deps: ConfigReloaderDeps) {
    this.timer = deps.timer ?? systemReloadTimer;
    this.settleMs = deps.settleMs ?? 500;
    this.minIntervalMs = deps.minIntervalMs ?? 5_000;
  }

  /** Resolves when a reload that started after this request has finished (failures are logged, not thrown). */
  request(reason: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.pending) {
      this.pending.reasons.add(reason);
      return this.pending.done;
    }
    let resolve: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolve = r));
    const wait = Math.max(this.settleMs, this.lastStartedAt + this.minIntervalMs - this.timer.now());
    const pending: PendingReload = { reasons: new Set([reason]), done, resolve, cancel: () => undefined };
    this.pending = pending;
    pending.cancel = this.timer.after(wait, () => void this.start(pending));
    return done;
  }

  /** Resolves once no reload runs or waits (for tests and tools that must see the last one's effects). */
  async idle(): Promise<void> {
    while (this.pending) await this.pending.done;
    await this.running;
  }

  /** No reload starts after this; resolves when the one running (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    const pending = this.pending;
    this.pending = undefined;
    pending?.cancel();
    pending?.resolve();
    await this.running;
  }

  private async start(pending: PendingReload): Promise<void> {
    // A reload that outlasts the interval finishes first; requests arriving meanwhile still join this one.
    await this.running;
    if (this.pending === pending) this.pending = undefined;
    if (this.stopped) return pending.resolve();
    this.lastStartedAt = this.timer.now();
    this.running = this.reload([...pending.reasons]);
    await this.running;
    pending.resolve();
  }

  private async reload(reasons: string[]): Promise<void> {
    const { config, logger } = this.deps;
    try {
      logger.info({ reasons }, 'reloading configuration');
      const previous = config.snapshot();
      await config.load();
      await this.deps.sources.apply(previous, config.current);
      await this.deps.enrichment.reload();
      await this.deps.imports.runPending(config.current.sources);
      await evaluateAudiences(this.deps, config.current.audiences);
    } catch (error) {
      logger.error({ err: error }, 'reload failed');
    }
  }
}
