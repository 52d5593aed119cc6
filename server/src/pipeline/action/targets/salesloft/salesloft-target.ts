import type { RedisClient as Redis } from '../../../../state/redis';
import { z } from 'zod';
import type { RecordObject } from '../../../../domain/mirror-record';
import type { ActionApplication, ActionConfig, ActionResult, ActionTarget } from '../../action-target';
import { ActionRateLimiter, type RateLimit } from '../shared/action-rate-limiter';
import { EnrolmentClaims } from '../shared/enrolment-claims';
import type { FetchLike } from '../shared/http-call';
import { resultFromError, TargetError } from '../shared/target-error';
import { emailSkip, isRetry, recordEmail, SKIP_REASONS, skipped, textField } from '../shared/target-results';
import { errorText, SalesloftClient } from './salesloft-client';
import type { SalesloftConfig } from './salesloft-config';
import { dataId, firstId, sequencerPersonFields } from '../shared/sequencer-fields';

/** `Settings__c` of a Salesloft_Cadence action: nothing is needed beyond the cadence in `Target__c`. */
export const salesloftSettingsSchema = z.object({}).loose();
export type SalesloftSettings = z.infer<typeof salesloftSettingsSchema>;

export interface SalesloftTargetDeps {
  config: SalesloftConfig;
  redis: Redis;
  /** The Redis prefix (`{al}`): the shared team budget lives under it. */
  prefix: string;
  fetch?: FetchLike;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  rateLimit?: RateLimit;
}

const TAKEN = /already been taken|already exists/i;

/**
 * `Salesloft_Cadence`: adds the record's person (found by email, created when absent) to the cadence in
 * `Target__c`, and deletes that cadence membership on exit with Remove. A 422 on the membership means the person
 * is on the cadence already. A retry takes an existing membership as the one its earlier try made only when that
 * try enrolled this person and this application still holds the claim on (cadence, person)
 * (`<prefix>:action:salesloft-claim:*`, as Outreach's): two records sharing an email share one person, and the other
 * record's membership is not ours to adopt, nor to delete on exit. The person a try puts on the cadence is remembered
 * before the call, so a retry after a rep changed the email (a lost answer, then an edit) finds that membership
 * instead of enrolling the new email's person too; the exit deletes the membership the apply recorded, whatever the
 * email is by then.
 */
export function createSalesloftTarget(deps: SalesloftTargetDeps): ActionTarget<SalesloftSettings> {
  const now = deps.now ?? Date.now;
  const client = new SalesloftClient({
    baseUrl: deps.config.baseUrl,
    apiKey: deps.config.apiKey,
    limiter: new ActionRateLimiter(deps.redis, deps.prefix, now),
    fetch: deps.fetch ?? fetch,
    now,
    sleep: deps.sleep,
    rateLimit: deps.rateLimit,
  });

  async function findPerson(email: string): Promise<string | undefined> {
    const reply = await client.request('GET', 'people', { query: { 'email_addresses[]': email } });
    return firstId(reply.body);
  }

  async function findOrCreatePerson(application: ActionApplication<SalesloftSettings>): Promise<string> {
    const email = recordEmail(application.record.fields) as string;
    const found = await findPerson(email);
    if (found) return found;
    const { fields, object } = application.record;
    const person: Record<string, string> = { email_address: email };
    for (const [field, name] of [
      ['FirstName', 'first_name'],
      ['LastName', 'last_name'],
      ['Title', 'title'],
    ] as const) {
      const value = textField(fields, field);
      if (value) person[name] = value;
    }
    if (object === 'Lead' && textField(fields, 'Company'))
      person.person_company_name = textField(fields, 'Company') as string;
    const created = await client.request('POST', 'people', { body: person });
    const id = created.status < 300 ? dataId(created.body) : undefined;
    if (id) return id;
    const detail = errorText(created.body) ?? `HTTP ${created.status}`;
    if (created.status === 422 && TAKEN.test(detail)) {
      const raced = await findPerson(email);
      if (raced) return raced;
      throw new TargetError('SALESLOFT_PERSON_RACE', 'Salesloft says the email is taken but finds no person', true);
    }
    throw new TargetError('SALESLOFT_PERSON_REJECTED', `Salesloft refused the person: ${detail}`, false);
  }

  async function currentMembership(personId: string, cadenceId: string): Promise<string | undefined> {
    const reply = await client.request('GET', 'cadence_memberships', {
      query: { person_id: personId, cadence_id: cadenceId, currently_on_cadence: 'true' },
    });
    return firstId(reply.body);
  }

  /** Who owns a person's place on a cadence, and the person each application enrolled (or was about to). */
  const claims = new EnrolmentClaims(deps.redis, deps.prefix, 'salesloft');

  /**
   * The membership an earlier try of this application made, on the person that try put on the cadence — while the
   * claim stayed ours: else the membership is another application's (a record sharing that person's email).
   */
  async function earlierMembership(
    key: string,
    personId: string | null,
    cadenceId: string,
  ): Promise<string | undefined> {
    if (!personId || !(await claims.heldBy(key, cadenceId, personId))) return undefined;
    return currentMembership(personId, cadenceId);
  }

  async function apply(application: ActionApplication<SalesloftSettings>): Promise<ActionResult> {
    const cadenceId = application.action.target;
    try {
      // The person an earlier try of this application got as far as enrolling (set just before its POST).
      const earlierPerson = isRetry(application) ? await claims.enrolled(application.key) : null;
      // First: what an earlier try did stands, even when the record's email changed or went since.
      if (isRetry(application)) {
        const earlier = await earlierMembership(application.key, earlierPerson, cadenceId);
        if (earlier)
          return { status: 'Succeeded', externalId: earlier, message: 'found the membership an earlier try added' };
      }
      const skip = emailSkip(application.record.fields);
      if (skip) return skip;
      const personId = await findOrCreatePerson(application);
      // Two records sharing one email share one person: the first application to claim it owns its membership.
      const owner = await claims.claim(cadenceId, personId, application.key);
      if (owner !== application.key) {
        const held = await currentMembership(personId, cadenceId);
        if (held) return alreadyOnCadence(cadenceId, held);
        // The other application's membership has ended (or is still on its way: whichever POST comes second is
        // refused below): this one may put the person on the cadence again.
        await claims.reclaim(cadenceId, personId, application.key);
      }
      // A membership found from here on is ours only if an earlier try of ours enrolled this person and the claim
      // stayed ours since; else another application's (or a Salesloft user's) made meanwhile.
      const mayBeOurs = claims.mayBeOurs(application.key, earlierPerson, personId, owner);
      // Remembered before the call: its answer may be lost (a crash) while Salesloft has made the membership.
      await claims.rememberEnrolled(application.key, personId);
      const created = await client.request('POST', 'cadence_memberships', {
        query: { person_id: personId, cadence_id: cadenceId },
      });
      const id = created.status < 300 ? dataId(created.body) : undefined;
      if (id) return { status: 'Succeeded', externalId: id };
      const detail = errorText(created.body) ?? `HTTP ${created.status}`;
      if (created.status === 422) {
        const existing = await currentMembership(personId, cadenceId);
        if (existing && mayBeOurs) {
          return { status: 'Succeeded', externalId: existing, message: 'found the membership an earlier try added' };
        }
        if (existing) return alreadyOnCadence(cadenceId, existing);
      }
      if (created.status === 404) {
        return {
          status: 'Failed',
          code: 'SALESLOFT_CADENCE_NOT_FOUND',
          message: `Salesloft: ${detail}`,
          retryable: false,
        };
      }
      return {
        status: 'Failed',
        code: 'SALESLOFT_CADENCE_REJECTED',
        message: `Salesloft: ${detail}`,
        retryable: false,
      };
    } catch (error) {
      return resultFromError(error, 'SALESLOFT_FAILED');
    }
  }

  function alreadyOnCadence(cadenceId: string, membership: string): ActionResult {
    return skipped(
      SKIP_REASONS.alreadyInTarget,
      `the person is already on cadence ${cadenceId} (membership ${membership})`,
    );
  }

  /** Deletes a membership by id; 404 means it is gone already (our earlier try, or a person): the exit is done. */
  async function deleteMembership(membership: string): Promise<ActionResult> {
    const deleted = await client.request('DELETE', `cadence_memberships/${encodeURIComponent(membership)}`);
    if (deleted.status < 300 || deleted.status === 404) return { status: 'Succeeded', externalId: membership };
    const detail = errorText(deleted.body) ?? `HTTP ${deleted.status}`;
    return { status: 'Failed', code: 'SALESLOFT_REMOVE_REJECTED', message: `Salesloft: ${detail}`, retryable: false };
  }

  async function remove(application: ActionApplication<SalesloftSettings>): Promise<ActionResult> {
    // The membership the apply recorded: the rep's edit that made the record leave may have changed its email.
    if (application.appliedExternalId) {
      try {
        return await deleteMembership(application.appliedExternalId);
      } catch (error) {
        return resultFromError(error, 'SALESLOFT_FAILED');
      }
    }
    const email = recordEmail(application.record.fields);
    if (!email) return skipped(SKIP_REASONS.notInTarget, 'the record has no email address to find its person by');
    const cadenceId = application.action.target;
    try {
      const personId = await findPerson(email);
      if (!personId) return skipped(SKIP_REASONS.notInTarget, 'no Salesloft person has this email');
      const membership = await currentMembership(personId, cadenceId);
      if (!membership) return skipped(SKIP_REASONS.notInTarget, `the person is not on cadence ${cadenceId}`);
      return await deleteMembership(membership);
    } catch (error) {
      return resultFromError(error, 'SALESLOFT_FAILED');
    }
  }

  async function validateTarget(action: ActionConfig<SalesloftSettings>): Promise<string | undefined> {
    if (!/^\d+$/.test(action.target))
      return `Target__c must be a Salesloft cadence id (a number), not "${action.target}"`;
    try {
      const reply = await client.request('GET', `cadences/${action.target}`);
      return reply.status === 404 ? `Salesloft has no cadence ${action.target}` : undefined;
    } catch (error) {
      if (error instanceof TargetError && error.retryable) return undefined;
      return error instanceof Error ? error.message : String(error);
    }
  }

  return {
    type: 'Salesloft_Cadence',
    settingsSchema: salesloftSettingsSchema,
    objects: ['Contact', 'Lead'],
    requiredFields: (_action, object: RecordObject) => sequencerPersonFields(object),
    validateTarget,
    apply,
    remove,
  };
}
