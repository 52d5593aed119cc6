/**
 * The `Ad_Audience` action target: a record entering the audience is added to a Google Ads Customer Match user list
 * or a Meta custom audience (`Settings__c.platform`; `Target__c` = the list's id), and removed on exit. Batched:
 * `applyMany`/`removeMany` put every record of a call in one Google job or in Meta calls of 10,000 rows.
 * References: docs/ad-audiences-reference.md.
 */
import type { RedisClient as Redis } from '../../../../state/redis';
import type { Logger } from '../../../../lib/logger';
import type { ActionApplication, ActionConfig, ActionOperation, ActionResult, ActionTarget } from '../../action-target';
import type { AdAudienceEnv } from './ad-audience-env';
import { adAudienceSettingsSchema, readListId, type AdAudienceSettings } from './ad-audience-settings';
import { adFailure } from './ad-failure';
import type { FetchLike } from './ad-http';
import { hashedIdentifiers, IDENTIFIER_FIELDS, type AdPlatform } from './ad-identifiers';
import type { AdRow } from './ad-rows';
import { GoogleAdsClient, jobCustomerId } from './google-ads-client';
import { GoogleCustomerMatch } from './google-customer-match';
import { GoogleListLock } from './google-list-lock';
import { MetaCustomAudiences } from './meta-custom-audience';
import { PlatformBlock } from './platform-block';

export interface AdAudienceTargetDeps {
  env: AdAudienceEnv;
  redis: Redis;
  /** The Redis key prefix (`{al}`): the list locks and platform blocks live under it. */
  prefix: string;
  logger: Logger;
  now?: () => number;
  fetch?: FetchLike;
  /** Per HTTP call; default 30 s. */
  timeoutMs?: number;
  /** When a user list has a job running, retry after this long; default 5 min. */
  busyRetryMs?: number;
  /** Rows per Meta call (tests only; Meta's own limit of 10,000 is never exceeded). */
  metaRowsPerCall?: number;
}

type Group = { platform: AdPlatform; customerId: string; listId: string; rows: AdRow[] };

const SUBMIT_TTL_MS = 5 * 60_000;
const RUNNING_TTL_MS = 24 * 60 * 60_000;

export function createAdAudienceTarget(deps: AdAudienceTargetDeps): ActionTarget<AdAudienceSettings> {
  const now = deps.now ?? Date.now;
  const fetchImpl = deps.fetch ?? fetch;
  const timeoutMs = deps.timeoutMs ?? 30_000;
  const block = new PlatformBlock(deps.redis, deps.prefix, now);
  const { google: googleEnv, meta: metaEnv, defaultPhoneRegion } = deps.env;
  const customerMatch =
    googleEnv &&
    new GoogleCustomerMatch(
      new GoogleAdsClient(googleEnv, fetchImpl, now, timeoutMs),
      new GoogleListLock(deps.redis, deps.prefix, { submitTtlMs: SUBMIT_TTL_MS, runningTtlMs: RUNNING_TTL_MS }),
      block,
      deps.logger,
      { busyRetryMs: deps.busyRetryMs ?? 5 * 60_000, operationsPerCall: 10_000 },
    );
  const meta = metaEnv && new MetaCustomAudiences(metaEnv, fetchImpl, block, timeoutMs, deps.metaRowsPerCall);

  function notConfigured(platform: AdPlatform): string | undefined {
    if (platform === 'google' && !customerMatch) {
      return 'Google Ads is not configured: set GOOGLE_ADS_DEVELOPER_TOKEN, GOOGLE_ADS_LOGIN_CUSTOMER_ID, GOOGLE_ADS_CLIENT_ID, GOOGLE_ADS_CLIENT_SECRET and GOOGLE_ADS_REFRESH_TOKEN';
    }
    if (platform === 'meta' && !meta) return 'Meta is not configured: set META_ACCESS_TOKEN';
    return undefined;
  }

  function customerIdOf(settings: AdAudienceSettings): string {
    return settings.platform === 'google' ? (settings.customerId ?? googleEnv?.loginCustomerId ?? '') : '';
  }

  async function run(
    operation: ActionOperation,
    applications: readonly ActionApplication<AdAudienceSettings>[],
  ): Promise<Map<string, ActionResult>> {
    const results = new Map<string, ActionResult>();
    const groups = new Map<string, Group>();
    for (const application of applications) {
      const { action, record } = application;
      const platform = action.settings.platform;
      const listId = readListId(action.target);
      const missing = notConfigured(platform);
      if (!listId.ok) {
        results.set(application.key, adFailure('AD_AUDIENCE_BAD_TARGET', listId.reason));
        continue;
      }
      if (missing) {
        results.set(application.key, adFailure('AD_AUDIENCE_NOT_CONFIGURED', missing));
        continue;
      }
      const identifiers =
        record.object === 'Account' ? {} : hashedIdentifiers(platform, record.fields, defaultPhoneRegion);
      if (!identifiers.email && !identifiers.phone) {
        results.set(application.key, {
          status: 'Skipped',
          reason: 'no_identifier',
          message: 'no usable email and no valid phone number to match on',
        });
        continue;
      }
      // A retry of an application whose job already ran: follow that job instead of submitting again.
      if (platform === 'google' && customerMatch && application.previousExternalId) {
        const previous = application.previousExternalId;
        if (jobCustomerId(previous)) {
          const earlier = await customerMatch.poll(previous, listId.id);
          if (earlier.status === 'Pending' || earlier.status === 'Succeeded') {
            results.set(application.key, earlier);
            continue;
          }
        }
      }
      const customerId = customerIdOf(action.settings);
      const groupKey = `${platform}:${customerId}:${listId.id}`;
      const group = groups.get(groupKey) ?? { platform, customerId, listId: listId.id, rows: [] };
      group.rows.push({ key: application.key, identifiers });
      groups.set(groupKey, group);
    }
    for (const group of groups.values()) {
      const sent =
        group.platform === 'google'
          ? await customerMatch!.submit(operation, group.customerId, group.listId, group.rows)
          : await meta!.send(operation, group.listId, group.rows);
      for (const [key, result] of sent) results.set(key, result);
    }
    return results;
  }

  async function one(operation: ActionOperation, application: ActionApplication<AdAudienceSettings>) {
    const result = (await run(operation, [application])).get(application.key);
    return result ?? adFailure('AD_AUDIENCE_UNAVAILABLE', 'no result for this application');
  }

  return {
    type: 'Ad_Audience',
    settingsSchema: adAudienceSettingsSchema,
    objects: ['Contact', 'Lead'],
    requiredFields(_action, object) {
      return object === 'Account' ? [] : [...IDENTIFIER_FIELDS[object]];
    },
    validateTarget(action: ActionConfig<AdAudienceSettings>) {
      const listId = readListId(action.target);
      return Promise.resolve(listId.ok ? notConfigured(action.settings.platform) : listId.reason);
    },
    apply: (application) => one('apply', application),
    remove: (application) => one('remove', application),
    applyMany: (applications) => run('apply', applications),
    removeMany: (applications) => run('remove', applications),
    async poll(externalId, action) {
      if (action.settings.platform === 'meta') {
        // Meta answers synchronously: a recorded external id is already a finished call.
        return { status: 'Succeeded', externalId };
      }
      const listId = readListId(action.target);
      if (!listId.ok) return adFailure('AD_AUDIENCE_BAD_TARGET', listId.reason);
      if (!customerMatch)
        return adFailure('AD_AUDIENCE_NOT_CONFIGURED', notConfigured('google') ?? 'Google Ads is off');
      return customerMatch.poll(externalId, listId.id);
    },
  };
}
