import type { RedisClient as Redis } from '../../../../state/redis';
import { z } from 'zod';
import type { RecordObject } from '../../../../domain/mirror-record';
import type { Logger } from '../../../../lib/logger';
import type { ActionApplication, ActionConfig, ActionResult, ActionTarget } from '../../action-target';
import { ActionRateLimiter, type RateLimit } from '../shared/action-rate-limiter';
import { EnrolmentClaims } from '../shared/enrolment-claims';
import type { FetchLike } from '../shared/http-call';
import { resultFromError, TargetError } from '../shared/target-error';
import { emailSkip, isRetry, recordEmail, SKIP_REASONS, skipped, textField } from '../shared/target-results';
import { OutreachClient, errorDetail } from './outreach-client';
import type { OutreachConfig } from './outreach-config';
import { OutreachTokenStore } from './outreach-token-store';
import { dataId, firstId, sequencerPersonFields } from '../shared/sequencer-fields';

export const outreachSettingsSchema = z.object({
  /** The sending mailbox: Outreach needs one for a sequence with email steps. */
  mailboxId: z.number().int().positive(),
});
export type OutreachSettings = z.infer<typeof outreachSettingsSchema>;

export interface OutreachTargetDeps {
  config: OutreachConfig;
  redis: Redis;
  /** The Redis prefix (`{al}`): the token, its lock and the shared rate limit live under it. */
  prefix: string;
  logger: Logger;
  fetch?: FetchLike;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  rateLimit?: RateLimit;
}

/** Outreach's names are limited to 50 characters (`validationDataTooLongError`). */
const MAX_NAME = 50;
/** Sequence states that no longer hold the prospect in the sequence; any other state is "in the sequence". */
const ENDED_STATES = new Set(['finished', 'opted_out']);
const EMAIL_TAKEN = /email hash has already been taken/i;

interface SequenceState {
  id: string;
  state: string;
}

/**
 * `Outreach_Sequence`: adds the record's prospect (found by email, created when absent) to the sequence in
 * `Target__c` with the mailbox in `Settings__c`, and finishes that sequence state on exit with Remove. A retry
 * that finds the prospect already active in the sequence takes that state as the one its earlier try made — unless
 * another application (a record sharing the email) claimed the prospect first (`<prefix>:action:outreach-claim:*`).
 */
export function createOutreachTarget(deps: OutreachTargetDeps): ActionTarget<OutreachSettings> {
  const now = deps.now ?? Date.now;
  const fetchImpl = deps.fetch ?? fetch;
  const tokens = new OutreachTokenStore({
    redis: deps.redis,
    prefix: deps.prefix,
    encryptionKey: deps.config.encryptionKey,
    credentials: deps.config,
    fetch: fetchImpl,
    logger: deps.logger,
    now,
    sleep: deps.sleep,
  });
  const client = new OutreachClient({
    baseUrl: deps.config.baseUrl,
    tokens,
    limiter: new ActionRateLimiter(deps.redis, deps.prefix, now),
    fetch: fetchImpl,
    now,
    sleep: deps.sleep,
    rateLimit: deps.rateLimit,
  });

  /** Who owns a prospect's place in a sequence, and the prospect each application enrolled (or was about to). */
  const claims = new EnrolmentClaims(deps.redis, deps.prefix, 'outreach');

  /**
   * The state an earlier try of this application added, on the prospect that try enrolled. Looked up by that
   * prospect, not by the record's email now: a rep's edit between the tries (the kill -9 chaos finding) would make
   * the retry find or create another prospect and enrol it too, leaving the first state active after the exit.
   */
  async function earlierState(
    key: string,
    prospectId: string | null,
    sequenceId: string,
  ): Promise<SequenceState | undefined> {
    if (!prospectId || !(await claims.heldBy(key, sequenceId, prospectId))) return undefined;
    return activeState(prospectId, sequenceId);
  }

  async function findProspect(email: string): Promise<string | undefined> {
    const reply = await client.request('GET', 'prospects', { query: { 'filter[emails]': email } });
    return firstId(reply.body);
  }

  async function findOrCreateProspect(application: ActionApplication<OutreachSettings>): Promise<string> {
    const email = recordEmail(application.record.fields) as string;
    const found = await findProspect(email);
    if (found) return found;
    const { fields, object } = application.record;
    const attributes: Record<string, unknown> = { emails: [email] };
    const name = (field: string) => textField(fields, field)?.slice(0, MAX_NAME);
    if (name('FirstName')) attributes.firstName = name('FirstName');
    if (name('LastName')) attributes.lastName = name('LastName');
    if (textField(fields, 'Title')) attributes.title = textField(fields, 'Title');
    if (object === 'Lead' && textField(fields, 'Company')) attributes.company = textField(fields, 'Company');
    const created = await client.request('POST', 'prospects', { body: { data: { type: 'prospect', attributes } } });
    if (created.status === 201 || created.status === 200) {
      const id = dataId(created.body);
      if (id) return id;
    }
    const detail = errorDetail(created.body) ?? `HTTP ${created.status}`;
    if (created.status === 422 && EMAIL_TAKEN.test(detail)) {
      // Someone (another worker, a person, a sync) created the prospect between our lookup and our create.
      const raced = await findProspect(email);
      if (raced) return raced;
      throw new TargetError('OUTREACH_PROSPECT_RACE', `Outreach says the email is taken but finds no prospect`, true);
    }
    throw new TargetError('OUTREACH_PROSPECT_REJECTED', `Outreach refused the prospect: ${detail}`, false);
  }

  async function activeState(prospectId: string, sequenceId: string): Promise<SequenceState | undefined> {
    const reply = await client.request('GET', 'sequenceStates', {
      query: { 'filter[prospect][id]': prospectId, 'filter[sequence][id]': sequenceId },
    });
    return sequenceStates(reply.body).find((state) => !ENDED_STATES.has(state.state));
  }

  async function apply(application: ActionApplication<OutreachSettings>): Promise<ActionResult> {
    const sequenceId = application.action.target;
    try {
      // The prospect an earlier try of this application got as far as enrolling (set just before its POST).
      const earlierProspect = isRetry(application) ? await claims.enrolled(application.key) : null;
      // First: what an earlier try did stands even when the record has no usable email now.
      if (isRetry(application)) {
        const earlier = await earlierState(application.key, earlierProspect, sequenceId);
        if (earlier)
          return { status: 'Succeeded', externalId: earlier.id, message: 'found the state an earlier try added' };
      }
      const skip = emailSkip(application.record.fields);
      if (skip) return skip;
      const prospectId = await findOrCreateProspect(application);
      // Two records sharing one email share one prospect: the first application to claim it owns its state, so
      // the other's retry (after a crash) never takes that state for one its earlier try made.
      const owner = await claims.claim(sequenceId, prospectId, application.key);
      if (owner !== application.key) {
        const held = await activeState(prospectId, sequenceId);
        if (held) {
          return skipped(
            SKIP_REASONS.alreadyInTarget,
            `the prospect is already in sequence ${sequenceId} (state ${held.id})`,
          );
        }
        // The other application's state has ended (or it is still on its way to making one: whichever POST comes
        // second is refused below): this one may enrol the prospect again.
        await claims.reclaim(sequenceId, prospectId, application.key);
      }
      // An active state found from here on is ours only if an earlier try of ours got as far as enrolling this
      // prospect, and the claim stayed ours since; else it is another application's that enrolled meanwhile (a
      // record sharing the email, whose claim this one took over while its POST was on the way).
      const mayBeOurs = claims.mayBeOurs(application.key, earlierProspect, prospectId, owner);
      if (mayBeOurs) {
        const existing = await activeState(prospectId, sequenceId);
        if (existing)
          return { status: 'Succeeded', externalId: existing.id, message: 'found the state an earlier try added' };
      }
      // Remembered before the call: its answer may be lost (a crash) while Outreach has made the state.
      await claims.rememberEnrolled(application.key, prospectId);
      const body = {
        data: {
          type: 'sequenceState',
          relationships: {
            prospect: { data: { type: 'prospect', id: Number(prospectId) } },
            sequence: { data: { type: 'sequence', id: Number(sequenceId) } },
            mailbox: { data: { type: 'mailbox', id: application.action.settings.mailboxId } },
          },
        },
      };
      const created = await client.request('POST', 'sequenceStates', { body });
      const createdId = created.status < 300 ? dataId(created.body) : undefined;
      if (createdId) return { status: 'Succeeded', externalId: createdId };
      const detail = errorDetail(created.body) ?? `HTTP ${created.status}`;
      if (created.status === 422) {
        const existing = await activeState(prospectId, sequenceId);
        if (existing && mayBeOurs) return { status: 'Succeeded', externalId: existing.id };
        if (existing) {
          return skipped(
            SKIP_REASONS.alreadyInTarget,
            `the prospect is already in sequence ${sequenceId} (state ${existing.id})`,
          );
        }
      }
      return { status: 'Failed', code: 'OUTREACH_SEQUENCE_REJECTED', message: `Outreach: ${detail}`, retryable: false };
    } catch (error) {
      return resultFromError(error, 'OUTREACH_FAILED');
    }
  }

  /**
   * The state our apply created, by the id it recorded: the record's email may have changed since its entry (a
   * rep's edit is often what made it leave), so looking the prospect up by email again would miss it.
   */
  async function finishApplied(application: ActionApplication<OutreachSettings>, stateId: string) {
    const path = `sequenceStates/${encodeURIComponent(stateId)}`;
    const ended = async () => {
      const reply = await client.request('GET', path);
      if (reply.status === 404) return 'gone' as const;
      const state = (reply.body as { data?: { attributes?: { state?: unknown } } } | undefined)?.data?.attributes
        ?.state;
      return typeof state === 'string' && ENDED_STATES.has(state);
    };
    const before = await ended();
    if (before === 'gone') return skipped(SKIP_REASONS.notInTarget, `Outreach has no sequence state ${stateId}`);
    // Ended already: by our earlier try (a retry), else by Outreach or a person (a reply, an opt-out).
    if (before) {
      return isRetry(application)
        ? ({ status: 'Succeeded', externalId: stateId } as const)
        : skipped(SKIP_REASONS.notInTarget, `sequence state ${stateId} has already ended`);
    }
    const finished = await client.request('POST', `${path}/actions/finish`);
    if (finished.status < 300 || (await ended()) === true) return { status: 'Succeeded', externalId: stateId } as const;
    const detail = errorDetail(finished.body) ?? `HTTP ${finished.status}`;
    return {
      status: 'Failed',
      code: 'OUTREACH_FINISH_REJECTED',
      message: `Outreach: ${detail}`,
      retryable: false,
    } as const;
  }

  async function remove(application: ActionApplication<OutreachSettings>): Promise<ActionResult> {
    if (application.appliedExternalId) {
      try {
        return await finishApplied(application, application.appliedExternalId);
      } catch (error) {
        return resultFromError(error, 'OUTREACH_FAILED');
      }
    }
    const email = recordEmail(application.record.fields);
    if (!email) return skipped(SKIP_REASONS.notInTarget, 'the record has no email address to find its prospect by');
    const sequenceId = application.action.target;
    try {
      const prospectId = await findProspect(email);
      if (!prospectId) return skipped(SKIP_REASONS.notInTarget, 'no Outreach prospect has this email');
      const state = await activeState(prospectId, sequenceId);
      if (!state) return skipped(SKIP_REASONS.notInTarget, `the prospect is not active in sequence ${sequenceId}`);
      const finished = await client.request('POST', `sequenceStates/${state.id}/actions/finish`);
      if (finished.status < 300) return { status: 'Succeeded', externalId: state.id };
      // A 422 may mean it ended meanwhile (finished by a reply, or by our own earlier try).
      if (!(await activeState(prospectId, sequenceId))) return { status: 'Succeeded', externalId: state.id };
      const detail = errorDetail(finished.body) ?? `HTTP ${finished.status}`;
      return { status: 'Failed', code: 'OUTREACH_FINISH_REJECTED', message: `Outreach: ${detail}`, retryable: false };
    } catch (error) {
      return resultFromError(error, 'OUTREACH_FAILED');
    }
  }

  async function validateTarget(action: ActionConfig<OutreachSettings>): Promise<string | undefined> {
    if (!/^\d+$/.test(action.target))
      return `Target__c must be an Outreach sequence id (a number), not "${action.target}"`;
    try {
      for (const [type, id] of [
        ['sequence', action.target],
        ['mailbox', String(action.settings.mailboxId)],
      ] as const) {
        const reply = await client.request('GET', `${type === 'sequence' ? 'sequences' : 'mailboxes'}/${id}`);
        if (reply.status === 404) return `Outreach has no ${type} ${id}`;
      }
      return undefined;
    } catch (error) {
      // An outage says nothing about the target; the applications will report it if it lasts.
      if (error instanceof TargetError && error.retryable) return undefined;
      return error instanceof Error ? error.message : String(error);
    }
  }

  return {
    type: 'Outreach_Sequence',
    settingsSchema: outreachSettingsSchema,
    objects: ['Contact', 'Lead'],
    requiredFields: (_action, object: RecordObject) => sequencerPersonFields(object),
    validateTarget,
    apply,
    remove,
  };
}

function sequenceStates(body: unknown): SequenceState[] {
  const data = (body as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data)) return [];
  return data.flatMap((entry: { id?: unknown; attributes?: { state?: unknown } }) =>
    (typeof entry.id === 'number' || typeof entry.id === 'string') && typeof entry.attributes?.state === 'string'
      ? [{ id: String(entry.id), state: entry.attributes.state }]
      : [],
  );
}
