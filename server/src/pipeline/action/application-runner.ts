import type { FieldValue } from '../../domain/mirror-record';
import type { Logger } from '../../lib/logger';
import { shownFields, traceRecord, tracing } from '../../lib/record-trace';
import type { ApiBudgetGovernor } from '../../salesforce/budget/api-budget-governor';
import { ApiBudgetExceededError } from '../../salesforce/budget/budget-errors';
import type { ActionCircuits } from './action-circuits';
import { ApplicationBusyError, ApplicationRetryError } from './action-errors';
import type { ActionLog, StoredActionLog } from './action-log';
import type { ActionRegistry } from './action-registry';
import { applicationKey, type ActionApplication, type ActionOperation, type ActionResult } from './action-target';
import { isSettled, type ApplicationState, type ApplicationStateStore } from './application-state';
import type { LoadedAction } from './loaded-action';
import { MicroBatcher, type MicroBatcherOptions } from './micro-batcher';

/** Tries per application before a retryable failure is recorded as Failed. */
export const MAX_ATTEMPTS = 8;
const BASE_RETRY_MS = 2_000;
/**
 * Batched targets get the applications of one action that arrive together: up to 1,000 (five Collections of 200
 * in one Composite call), sent when the stream pauses, at most 3 s after the first.
 */
const TARGET_BATCH: MicroBatcherOptions = { maxItems: 1000, maxWaitMs: 5_000, quietMs: 1_000 };

/** One application to run: the action, the episode, and the record as the mirror holds it. */
export interface PlannedApplication {
  action: LoadedAction;
  operation: ActionOperation;
  audience: { id: string; name: string };
  episodeKey: string;
  record: { id: string; fields?: Record<string, FieldValue> };
  occurredAt: string;
  /** Slack's Enrol: the signal the application is for (its log row links it instead of an episode). */
  signalId?: string;
}

/** What running one application came to (for the narration and tests). */
export interface ApplicationOutcome {
  key: string;
  action: LoadedAction;
  operation: ActionOperation;
  recordId: string;
  status: ApplicationState['status'] | 'Cancelled' | 'Nothing';
  message?: string;
  externalId?: string;
}

export interface ApplicationRunnerDeps {
  registry: ActionRegistry;
  states: ApplicationStateStore;
  log: ActionLog;
  governor: ApiBudgetGovernor;
  logger: Logger;
  integrationUserId: () => string;
  /** Called when a target answered `Pending`: a poll job asks it again later. */
  schedulePoll: (application: PlannedApplication, externalId: string, attempt: number) => Promise<void>;
  onOutcome?: (outcome: ApplicationOutcome) => void;
  now?: () => Date;
  /** Test seam: runs after the target answered, before the answer is recorded (a crash there must not duplicate). */
  afterTargetCall?: (key: string) => Promise<void>;
  /** Test seam: runs once the log is Pending, before the target is called (a crash there must not lose it). */
  beforeTargetCall?: (key: string) => Promise<void>;
  /** Test seam: runs once a new apply holds its episode, before its Pending row is created (a crash there too). */
  beforePendingRow?: (key: string) => Promise<void>;
  /** Batched targets: how long applications wait for companions, and how many go together. */
  batch?: { maxWaitMs?: number; maxItems?: number };
  /** A circuit per target: while open, applications are deferred without calling the target. */
  circuits?: ActionCircuits;
}

/**
 * Runs one application of one action at most once to completion. Under a per-episode lock: the state in Redis says
 * whether it already ran (else the log row in Salesforce does, after Redis lost it); the log goes `Pending` before
 * the target is called, so a crash after the call is found again by the target through the application's key;
 * the answer is recorded in the log and in Redis. Retryable failures come back as `ApplicationRetryError`.
 */
export class ApplicationRunner {
  private readonly batchers = new Map<string, MicroBatcher<ActionApplication, ActionResult>>();
  private readonly now: () => Date;

  constructor(private readonly deps: ApplicationRunnerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async run(planned: PlannedApplication): Promise<ApplicationOutcome> {
    this.deps.governor.assertAllows('background');
    const { action, operation, episodeKey } = planned;
    const key = applicationKey(action.id, episodeKey, operation);
    const release = await this.deps.states.lock(action.id, episodeKey);
    if (!release) {
      if (tracing) traceRecord(planned.record.id, 'action.busy', { key });
      throw new ApplicationBusyError(`${key}: another worker is on this episode`);
    }
    try {
      let current = await this.deps.states.get(key);
      let justCreated = false;
      let admitted = false;
      if (!current && operation === 'apply') {
        await this.admit(action, key);
        admitted = true;
        await this.deps.beforePendingRow?.(key);
        // Create-first: the Pending row is the application's durable record before anything else happens. A row
        // already there (Redis lost the application) is read back and resumed from what it says.
        const pendingSince = this.now().toISOString();
        const first: ApplicationState = { status: 'Pending', attempts: 0, pendingSince };
        const created = await this.deps.log.create(this.logEntry(planned, key, first));
        if (created === 'created') await this.deps.states.set(key, first);
        current = created === 'created' ? first : await this.recover(key);
        justCreated = created === 'created';
      } else if (!current) {
        current = await this.recover(key);
      }
      // Already done (a redelivered event, a replay): nothing to do, nothing new to report.
      if (isSettled(current) || current?.polling) return this.outcome(planned, key, current as ApplicationState, false);
      let appliedExternalId: string | undefined;
      if (operation === 'remove') {
        const applyKey = applicationKey(action.id, episodeKey, 'apply');
        const applied = await this.known(applyKey);
        if (!applied) {
          // The exit came before the entry's application ran: cancel it (a queued entry then finds it settled).
          await this.deps.states.set(applyKey, {
            status: 'Skipped',
            attempts: 0,
            message: 'exited before the action ran',
          });
          return this.report({ ...this.base(planned, key), status: 'Cancelled', message: 'exited before it ran' });
        }
        if (applied.status === 'Pending') throw new ApplicationBusyError(`${applyKey}: still in flight`);
        if (applied.status !== 'Succeeded') {
          return this.report({ ...this.base(planned, key), status: 'Nothing', message: 'nothing of ours to undo' });
        }
        appliedExternalId = applied.externalId;
      }
      if (!admitted) await this.admit(action, key);
      return await this.attempt(planned, key, current, appliedExternalId, justCreated);
    } finally {
      await release();
    }
  }

  /** Deferred while the target's circuit is open, before any log write: a deferral costs no attempt and no call. */
  private async admit(action: LoadedAction, key: string): Promise<void> {
    const gate = await this.deps.circuits?.admit(action);
    if (gate && !gate.allowed) {
      throw new ApplicationRetryError(`${key}: the ${gate.circuit} circuit is open`, gate.retryAfterMs);
    }
  }

  /**
   * An exit for an action that does not remove: only cancels the entry's application when it has not run yet
   * ("an exit before the entry's action ran cancels it").
   */
  async cancelUnstarted(planned: PlannedApplication): Promise<void> {
    const { action, episodeKey } = planned;
    const applyKey = applicationKey(action.id, episodeKey, 'apply');
    const release = await this.deps.states.lock(action.id, episodeKey);
    if (!release) throw new ApplicationBusyError(`${applyKey}: another worker is on this episode`);
    try {
      if (await this.known(applyKey)) return;
      await this.deps.states.set(applyKey, { status: 'Skipped', attempts: 0, message: 'exited before the action ran' });
      this.report({ ...this.base(planned, applyKey), operation: 'apply', status: 'Cancelled' });
    } finally {
      await release();
    }
  }

  /** Asks a target about a `Pending` application (an ad platform's job) and records the answer. */
  async poll(planned: PlannedApplication, externalId: string, attempt: number): Promise<ApplicationOutcome> {
    const { action, operation, episodeKey } = planned;
    const key = applicationKey(action.id, episodeKey, operation);
    const target = this.deps.registry.get(action.type);
    const current = await this.known(key);
    if (isSettled(current)) return this.outcome(planned, key, current as ApplicationState, false);
    if (!target?.poll) return this.settle(planned, key, failed('the target cannot be polled'), current, attempt);
    const result = await target.poll(externalId, action);
    return this.settle(planned, key, result, current, attempt);
  }

  private async attempt(
    planned: PlannedApplication,
    key: string,
    current: ApplicationState | undefined,
    appliedExternalId: string | undefined,
    justCreated: boolean,
  ): Promise<ApplicationOutcome> {
    const { action, operation } = planned;
    // The budget may have gone past API_BUDGET_PAUSE while this application waited for its episode or its batch:
    // it waits too, before an attempt is counted or a call made.
    this.deps.governor.assertAllows('background');
    const attempts = (current?.attempts ?? 0) + 1;
    const pendingSince = current?.pendingSince ?? this.now().toISOString();
    const pending: ApplicationState = { status: 'Pending', attempts, pendingSince, externalId: current?.externalId };
    // A Pending row created just now needs no second write; a retry records its attempt before calling again.
    if (!justCreated) await this.deps.log.write(this.logEntry(planned, key, pending));
    await this.deps.states.set(key, pending);
    if (tracing)
      traceRecord(planned.record.id, 'action.attempt', { key, attempts, fields: shownFields(planned.record.fields) });
    await this.deps.beforeTargetCall?.(key);

    const target = this.deps.registry.get(action.type);
    let result: ActionResult;
    if (!target) {
      result = failed(`no ${action.type} target is configured in this process`);
    } else if (operation === 'apply' && !planned.record.fields) {
      result = { status: 'Skipped', reason: 'record_gone', message: 'the record is no longer imported' };
    } else {
      const application: ActionApplication = {
        key,
        operation,
        action,
        audience: planned.audience,
        record: { id: planned.record.id, object: action.object, fields: planned.record.fields ?? {} },
        episodeKey: planned.episodeKey,
        occurredAt: planned.occurredAt,
        attempt: attempts,
        previousExternalId: current?.externalId,
        pendingSince,
        appliedExternalId,
        integrationUserId: this.deps.integrationUserId(),
      };
      try {
        result = await this.call(target, application);
      } catch (error) {
        // Held back by the budget (not a failure): the attempt it was about to make is not counted.
        if (current) await this.deps.states.set(key, current);
        throw error;
      }
      // The circuit's bookkeeping must not lose the answer: the target did what it did.
      await this.deps.circuits
        ?.record(action, result)
        .catch((error: unknown) => this.deps.logger.warn({ key, err: error }, 'action circuit not updated'));
    }
    await this.deps.afterTargetCall?.(key);
    return this.settle(planned, key, result, pending, attempts);
  }

  private async call(
    target: NonNullable<ReturnType<ActionRegistry['get']>>,
    application: ActionApplication,
  ): Promise<ActionResult> {
    try {
      const many = application.operation === 'apply' ? target.applyMany : target.removeMany;
      if (!many) {
        return application.operation === 'apply' ? await target.apply(application) : await target.remove(application);
      }
      const id = `${application.action.id}-${application.operation}`;
      let batcher = this.batchers.get(id);
      if (!batcher) {
        batcher = new MicroBatcher(
          async (applications) => {
            const results = await many.call(target, applications);
            return applications.map((a) => results.get(a.key) ?? failed('the target gave no answer for it'));
          },
          { ...TARGET_BATCH, ...this.deps.batch },
        );
        this.batchers.set(id, batcher);
      }
      return await batcher.submit(application);
    } catch (error) {
      if (error instanceof ApiBudgetExceededError) throw error;
      // A target that threw instead of answering: worth another try, it may be a network blip.
      return { status: 'Failed', message: (error as Error).message, retryable: true };
    }
  }

  private async settle(
    planned: PlannedApplication,
    key: string,
    result: ActionResult,
    previous: ApplicationState | undefined,
    attempts: number,
  ): Promise<ApplicationOutcome> {
    const pendingSince = previous?.pendingSince;
    let state: ApplicationState;
    let retryMs: number | undefined;
    switch (result.status) {
      case 'Succeeded':
        state = { status: 'Succeeded', attempts, pendingSince, externalId: result.externalId, message: result.message };
        break;
      case 'Skipped':
        state = { status: 'Skipped', attempts, pendingSince, message: result.message ?? result.reason };
        break;
      case 'Pending':
        state = { status: 'Pending', attempts, pendingSince, externalId: result.externalId, polling: true };
        break;
      case 'Failed': {
        const giveUp = !result.retryable || attempts >= MAX_ATTEMPTS;
        const message = result.code ? `${result.code}: ${result.message}` : result.message;
        state = { status: giveUp ? 'Failed' : 'Pending', attempts, pendingSince, message };
        if (!giveUp) retryMs = result.retryAfterMs ?? BASE_RETRY_MS * 2 ** (attempts - 1);
        break;
      }
    }
    if (tracing) traceRecord(planned.record.id, 'action.answer', { key, attempts, result });
    await this.deps.log.write(this.logEntry(planned, key, state));
    await this.deps.states.set(key, state);
    if (result.status === 'Pending') await this.deps.schedulePoll(planned, result.externalId, attempts);
    if (retryMs !== undefined) {
      this.deps.logger.warn({ key, attempts, retryMs, message: state.message }, 'action failed; will retry');
      throw new ApplicationRetryError(`${key}: ${state.message ?? 'failed'}`, retryMs);
    }
    return this.outcome(planned, key, state);
  }

  /** Where an application stands: Redis first, else the log in Salesforce (then remembered in Redis). */
  private async known(key: string): Promise<ApplicationState | undefined> {
    const state = await this.deps.states.get(key);
    if (state) return state;
    return this.recover(key);
  }

  /** The log row in Salesforce, once Redis lost the application (remembered in Redis again). */
  private async recover(key: string): Promise<ApplicationState | undefined> {
    const stored = await this.deps.log.read(key);
    if (!stored) return undefined;
    const recovered = fromLog(stored);
    await this.deps.states.set(key, recovered);
    return recovered;
  }

  private logEntry(planned: PlannedApplication, key: string, state: ApplicationState) {
    return {
      key,
      operation: planned.operation,
      actionId: planned.action.id,
      // An Enrol's episode is the signal (`signal-<id>`): no Audience_Member__c to link, the signal instead.
      ...(planned.signalId ? { signalId: planned.signalId } : { episodeKey: planned.episodeKey }),
      recordId: planned.record.id,
      status: state.status,
      externalId: state.externalId,
      message: state.message,
      attempts: state.attempts,
    };
  }

  private base(planned: PlannedApplication, key: string) {
    return { key, action: planned.action, operation: planned.operation, recordId: planned.record.id };
  }

  private outcome(planned: PlannedApplication, key: string, state: ApplicationState, fresh = true): ApplicationOutcome {
    const outcome: ApplicationOutcome = {
      ...this.base(planned, key),
      status: state.status,
      message: state.message,
      externalId: state.externalId,
    };
    return fresh ? this.report(outcome) : outcome;
  }

  private report(outcome: ApplicationOutcome): ApplicationOutcome {
    this.deps.onOutcome?.(outcome);
    return outcome;
  }
}

function failed(message: string): ActionResult {
  return { status: 'Failed', message, retryable: false };
}

/**
 * A log row read back after Redis lost the application. A `Pending` row is resumed (the target finds its own
 * effect through the key); its creation time is when it went Pending.
 */
function fromLog(stored: StoredActionLog): ApplicationState {
  return {
    status: stored.status,
    attempts: stored.attempts,
    pendingSince: stored.createdAt,
    externalId: stored.externalId,
    message: stored.message,
    // A Pending row with an external id was accepted by the target and waits for its poll.
    polling: stored.status === 'Pending' && stored.externalId !== undefined ? true : undefined,
  };
}
