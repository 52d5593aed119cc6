import { z } from 'zod';
import type { OrgClient } from '../../../../salesforce/org-client';
import type { CollectionsClient } from '../../../../salesforce/writers/collections-client';
import { isRecordId } from '../../../../salesforce/selectors/api-name';
import {
  campaignMembersQuery,
  campaignQuery,
  campaignStatusesQuery,
} from '../../../../salesforce/selectors/action-selectors';
import type { ActionApplication, ActionConfig, ActionResult, ActionTarget } from '../../action-target';
import { isPassingError, salesforceErrorCode } from '../salesforce-error';
import { deleteRecords } from '../shared/collections-delete';

export const campaignSettingsSchema = z.strictObject({
  /** A member status label of the campaign; unset, the campaign's default status. */
  memberStatus: z.string().trim().min(1).max(765).optional(),
});
export type CampaignSettings = z.infer<typeof campaignSettingsSchema>;

const CAMPAIGN_PREFIX = '701';

/** Whole seconds: Salesforce stores CreatedDate without milliseconds. */
function secondsOf(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/**
 * `Campaign`: an entry adds the Contact or Lead to the campaign (`Target__c`) as a CampaignMember; an exit with
 * `On_Exit__c = Remove` deletes the membership we created. A `DUPLICATE_VALUE` answer is ours when the integration
 * user created that membership after this application's log went Pending (a retry after a crash), else it is a
 * person's: Skipped "already a member", and never removed.
 */
export class CampaignTarget implements ActionTarget<CampaignSettings> {
  readonly type = 'Campaign' as const;
  readonly settingsSchema = campaignSettingsSchema;
  readonly objects = ['Contact', 'Lead'] as const;

  /** `collections` inserts the memberships of entries that arrive together, 200 per collection. */
  constructor(
    private readonly org: OrgClient,
    private readonly collections: CollectionsClient,
  ) {}

  requiredFields(): string[] {
    return [];
  }

  async validateTarget(action: ActionConfig<CampaignSettings>): Promise<string | undefined> {
    const id = action.target;
    if (!isRecordId(id) || !id.startsWith(CAMPAIGN_PREFIX)) {
      return `Target__c must be a Campaign id (701…), not "${id.slice(0, 40)}"`;
    }
    const found = await this.org.query(campaignQuery(id));
    if (found.length === 0) return `Target__c: no Campaign ${id} (deleted, or not visible to the integration user)`;
    const wanted = action.settings.memberStatus;
    if (wanted) {
      const labels = (await this.org.query<{ Label: string }>(campaignStatusesQuery(id))).map((s) => s.Label);
      if (!labels.includes(wanted)) {
        return `Settings__c.memberStatus: "${wanted}" is not a member status of this campaign (${labels.join(', ')})`;
      }
    }
    return undefined;
  }

  async apply(application: ActionApplication<CampaignSettings>): Promise<ActionResult> {
    try {
      const id = await this.org.insert('CampaignMember', memberFields(application));
      return { status: 'Succeeded', externalId: id };
    } catch (error) {
      const code = salesforceErrorCode(error);
      if (code === 'DUPLICATE_VALUE') return (await this.existing([application])).get(application.key) as ActionResult;
      return { status: 'Failed', code, message: (error as Error).message, retryable: isPassingError(code) };
    }
  }

  /**
   * Many entries at once: one sObject Collections create for all of them (five collections of 200 in one Composite
   * call). The rows answered `DUPLICATE_VALUE` are looked up together, one query per 200 (ours from an earlier
   * attempt, or a person's); a whole request that failed is retried by the step — its retry then meets our own rows
   * as duplicates and recognises them.
   */
  async applyMany(applications: ActionApplication<CampaignSettings>[]): Promise<Map<string, ActionResult>> {
    const results = new Map<string, ActionResult>();
    const outcomes = await this.collections.save(
      'create',
      applications.map((application) => ({ object: 'CampaignMember', fields: memberFields(application) })),
    );
    const duplicates: ActionApplication<CampaignSettings>[] = [];
    for (const [index, application] of applications.entries()) {
      const outcome = outcomes[index];
      if (!outcome) results.set(application.key, { status: 'Failed', message: 'no answer', retryable: true });
      else if (outcome.ok) results.set(application.key, { status: 'Succeeded', externalId: outcome.id });
      else if (outcome.code === 'DUPLICATE_VALUE') duplicates.push(application);
      else {
        const retryable = outcome.wholeRequest === true || !outcome.final || isPassingError(outcome.code);
        results.set(application.key, { status: 'Failed', code: outcome.code, message: outcome.message, retryable });
      }
    }
    for (const [key, result] of await this.existing(duplicates)) results.set(key, result);
    return results;
  }

  async remove(application: ActionApplication<CampaignSettings>): Promise<ActionResult> {
    return (await this.removeMany([application])).get(application.key) as ActionResult;
  }

  /**
   * Many exits at once: the memberships we created are deleted through Collections (1,000 in one call); only the
   * one whose id our apply recorded, so a person's membership is never touched.
   */
  async removeMany(applications: ActionApplication<CampaignSettings>[]): Promise<Map<string, ActionResult>> {
    const results = new Map<string, ActionResult>();
    const ours = applications.filter((application) => {
      if (application.appliedExternalId) return true;
      results.set(application.key, {
        status: 'Skipped',
        reason: 'not_ours',
        message: 'no membership of ours to remove',
      });
      return false;
    });
    if (ours.length === 0) return results;
    const outcomes = await deleteRecords(
      this.org,
      ours.map((application) => application.appliedExternalId as string),
    );
    ours.forEach((application, index) => {
      const outcome = outcomes[index];
      const id = application.appliedExternalId as string;
      if (!outcome) results.set(application.key, { status: 'Failed', message: 'no answer', retryable: true });
      else if (outcome.ok) results.set(application.key, { status: 'Succeeded', externalId: id });
      // Gone already (a person removed it, or our earlier attempt did): the outcome is what we wanted.
      else if (GONE.has(outcome.code)) {
        results.set(application.key, { status: 'Succeeded', externalId: id, message: 'already removed' });
      } else {
        const { code, message, retryable } = outcome;
        results.set(application.key, { status: 'Failed', code, message, retryable });
      }
    });
    return results;
  }

  /**
   * The memberships that made these inserts duplicates, each ours from an earlier attempt or a person's: one query
   * per campaign, kind of person and 200 people. A query that failed leaves its applications Failed (retryable).
   */
  private async existing(applications: ActionApplication<CampaignSettings>[]): Promise<Map<string, ActionResult>> {
    const results = new Map<string, ActionResult>();
    const groups = new Map<string, ActionApplication<CampaignSettings>[]>();
    for (const application of applications) {
      const group = `${application.action.target}/${personFieldOf(application)}`;
      groups.set(group, [...(groups.get(group) ?? []), application]);
    }
    for (const group of groups.values()) {
      const first = group[0] as ActionApplication<CampaignSettings>;
      const campaignId = first.action.target;
      const personField = personFieldOf(first);
      for (let i = 0; i < group.length; i += PEOPLE_PER_QUERY) {
        const chunk = group.slice(i, i + PEOPLE_PER_QUERY);
        let rows: MemberRow[];
        try {
          rows = await this.org.query<MemberRow>(
            campaignMembersQuery(campaignId, personField, [...new Set(chunk.map((a) => a.record.id))]),
          );
        } catch (error) {
          const code = salesforceErrorCode(error);
          for (const application of chunk) {
            results.set(application.key, {
              status: 'Failed',
              code,
              message: (error as Error).message,
              retryable: true,
            });
          }
          continue;
        }
        const byPerson = new Map(rows.map((row) => [String(row[personField]).slice(0, 15), row]));
        for (const application of chunk) {
          results.set(application.key, verdict(application, byPerson.get(application.record.id.slice(0, 15))));
        }
      }
    }
    return results;
  }
}

/** A campaign membership as the duplicate check reads it. */
type MemberRow = { Id: string; CreatedById: string; CreatedDate: string } & Partial<Record<PersonField, string>>;
type PersonField = 'ContactId' | 'LeadId';

/**
 * A delete's answers for a membership that is not there any more: in the recycle bin (`ENTITY_IS_DELETED`), or
 * purged — a Collections delete names an id it cannot find `INVALID_CROSS_REFERENCE_KEY`, a single delete `NOT_FOUND`.
 * Only ids our own apply recorded are deleted, so none of these is a wrong id.
 */
const GONE = new Set(['ENTITY_IS_DELETED', 'NOT_FOUND', 'INVALID_CROSS_REFERENCE_KEY']);

/** People per duplicate-check query: 200 ids keep the SOQL far below its length limit. */
const PEOPLE_PER_QUERY = 200;

function personFieldOf(application: ActionApplication<CampaignSettings>): PersonField {
  return application.record.object === 'Lead' ? 'LeadId' : 'ContactId';
}

function memberFields(application: ActionApplication<CampaignSettings>): Record<string, unknown> {
  const { action, record } = application;
  return {
    CampaignId: action.target,
    [personFieldOf(application)]: record.id,
    ...(action.settings.memberStatus && { Status: action.settings.memberStatus }),
  };
}

/**
 * A duplicate membership is ours when the integration user created it after this application's log went Pending
 * (a retry after a crash): Succeeded. Else it is a person's: Skipped, and never removed.
 */
function verdict(application: ActionApplication<CampaignSettings>, member: MemberRow | undefined): ActionResult {
  if (!member) return { status: 'Failed', message: 'DUPLICATE_VALUE but no membership found', retryable: true };
  const since = application.pendingSince;
  const ours =
    member.CreatedById === application.integrationUserId &&
    since !== undefined &&
    secondsOf(member.CreatedDate) >= secondsOf(since);
  if (ours) return { status: 'Succeeded', externalId: member.Id, message: 'found from an earlier attempt' };
  return { status: 'Skipped', reason: 'already_member', message: 'already a member of the campaign' };
}
