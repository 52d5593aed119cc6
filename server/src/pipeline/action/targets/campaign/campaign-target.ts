import { z } from 'zod';
import type { OrgClient } from '../../../../salesforce/org-client';
import type { CollectionsClient } from '../../../../salesforce/writers/collections-client';
import { isRecordId } from '../../../../salesforce/selectors/api-name';
import {
  campaignMemberQuery,
  campaignQuery,
  campaignStatusesQuery,
} from '../../../../salesforce/selectors/action-selectors';
import type { ActionApplication, ActionConfig, ActionResult, ActionTarget } from '../../action-target';
import { isPassingError, salesforceErrorCode } from '../salesforce-error';

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
    const { action, record } = application;
    const personField = record.object === 'Lead' ? 'LeadId' : 'ContactId';
    try {
      const id = await this.org.insert('CampaignMember', {
        CampaignId: action.target,
        [personField]: record.id,
        ...(action.settings.memberStatus && { Status: action.settings.memberStatus }),
      });
      return { status: 'Succeeded', externalId: id };
    } catch (error) {
      const code = salesforceErrorCode(error);
      if (code === 'DUPLICATE_VALUE') return this.existing(application, personField);
      return { status: 'Failed', code, message: (error as Error).message, retryable: isPassingError(code) };
    }
  }

  /**
   * Many entries at once: one sObject Collections create for all of them. A row answered `DUPLICATE_VALUE` is looked
   * at alone (ours from an earlier attempt, or a person's); a whole request that failed is retried by the step —
   * its retry then meets our own rows as duplicates and recognises them.
   */
  async applyMany(applications: ActionApplication<CampaignSettings>[]): Promise<Map<string, ActionResult>> {
    const results = new Map<string, ActionResult>();
    const outcomes = await this.collections.save(
      'create',
      applications.map(({ action, record }) => ({
        object: 'CampaignMember',
        fields: {
          CampaignId: action.target,
          [record.object === 'Lead' ? 'LeadId' : 'ContactId']: record.id,
          ...(action.settings.memberStatus && { Status: action.settings.memberStatus }),
        },
      })),
    );
    for (const [index, application] of applications.entries()) {
      const outcome = outcomes[index];
      if (!outcome) results.set(application.key, { status: 'Failed', message: 'no answer', retryable: true });
      else if (outcome.ok) results.set(application.key, { status: 'Succeeded', externalId: outcome.id });
      else if (outcome.code === 'DUPLICATE_VALUE') {
        const personField = application.record.object === 'Lead' ? 'LeadId' : 'ContactId';
        results.set(application.key, await this.existing(application, personField));
      } else {
        const retryable = outcome.wholeRequest === true || !outcome.final || isPassingError(outcome.code);
        results.set(application.key, { status: 'Failed', code: outcome.code, message: outcome.message, retryable });
      }
    }
    return results;
  }

  async remove(application: ActionApplication<CampaignSettings>): Promise<ActionResult> {
    const id = application.appliedExternalId;
    if (!id) return { status: 'Skipped', reason: 'not_ours', message: 'no membership of ours to remove' };
    try {
      await this.org.delete('CampaignMember', id);
      return { status: 'Succeeded', externalId: id };
    } catch (error) {
      const code = salesforceErrorCode(error);
      // Gone already (a person removed it, or our earlier attempt did): the outcome is what we wanted.
      if (code === 'ENTITY_IS_DELETED' || code === 'NOT_FOUND') {
        return { status: 'Succeeded', externalId: id, message: 'already removed' };
      }
      return { status: 'Failed', code, message: (error as Error).message, retryable: isPassingError(code) };
    }
  }

  /** The membership that made the insert a duplicate: ours from an earlier attempt, or a person's. */
  private async existing(
    application: ActionApplication<CampaignSettings>,
    personField: 'ContactId' | 'LeadId',
  ): Promise<ActionResult> {
    const rows = await this.org.query<{ Id: string; CreatedById: string; CreatedDate: string }>(
      campaignMemberQuery(application.action.target, personField, application.record.id),
    );
    const member = rows[0];
    if (!member) return { status: 'Failed', message: 'DUPLICATE_VALUE but no membership found', retryable: true };
    const since = application.pendingSince;
    const ours =
      member.CreatedById === application.integrationUserId &&
      since !== undefined &&
      secondsOf(member.CreatedDate) >= secondsOf(since);
    if (ours) return { status: 'Succeeded', externalId: member.Id, message: 'found from an earlier attempt' };
    return { status: 'Skipped', reason: 'already_member', message: 'already a member of the campaign' };
  }
}
