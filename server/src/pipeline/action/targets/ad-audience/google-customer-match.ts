/**
 * Customer Match through an offline user data job: create → add operations → run, then `Pending` with the job's
 * resource name until `poll` sees it finish. Entries and exits go to separate jobs (Google refuses a job mixing
 * create and remove), and one job at a time runs per user list (GoogleListLock).
 */
import type { Logger } from '../../../../lib/logger';
import type { ActionOperation, ActionResult } from '../../action-target';
import { adFailure, type AdFailure } from './ad-failure';
import { chunk, type AdRow } from './ad-rows';
import { jobCustomerId, type GoogleAdsClient, type JobOperation, type UserIdentifier } from './google-ads-client';
import type { GoogleListLock } from './google-list-lock';
import type { PlatformBlock } from './platform-block';

export interface CustomerMatchOptions {
  /** When another job holds the list, ask the action step to come back after this long. */
  busyRetryMs: number;
  /** Operations per addOperations call (≤ 3 identifiers each; Google allows 100,000 identifiers per request). */
  operationsPerCall: number;
}

export class GoogleCustomerMatch {
  constructor(
    private readonly client: GoogleAdsClient,
    private readonly lock: GoogleListLock,
    private readonly block: PlatformBlock,
    private readonly logger: Logger,
    private readonly options: CustomerMatchOptions,
  ) {}

  /** Puts all `rows` in one job on the list; every row gets a result under its key. */
  async submit(
    operation: ActionOperation,
    customerId: string,
    userListId: string,
    rows: readonly AdRow[],
  ): Promise<Map<string, ActionResult>> {
    const results = new Map<string, ActionResult>();
    const failAll = (failure: AdFailure, which: readonly AdRow[] = rows) => {
      for (const row of which) results.set(row.key, failure);
      return results;
    };
    if (rows.length === 0) return results;

    const blockedMs = await this.block.remainingMs('google');
    if (blockedMs > 0) {
      return failAll(adFailure('AD_AUDIENCE_RATE_LIMITED', 'Google Ads asked us to wait', blockedMs));
    }
    const token = await this.acquireList(customerId, userListId);
    if (!token.ok) return failAll(token.failure);

    const outcome = await this.submitJob(operation, customerId, userListId, rows);
    if (!outcome.ok) {
      await this.lock.release(customerId, userListId, token.token);
      if (outcome.failure.code === 'AD_AUDIENCE_RATE_LIMITED') {
        await this.block.block('google', outcome.failure.retryAfterMs ?? 60_000);
      }
      return failAll(outcome.failure);
    }
    const { jobName, refused } = outcome;
    for (const [key, failure] of refused) results.set(key, failure);
    if (!jobName) {
      await this.lock.release(customerId, userListId, token.token);
      return results;
    }
    if (!(await this.lock.handOver(customerId, userListId, token.token, jobName))) {
      // Our submit hold expired mid-way; the job runs anyway, its poll still settles it.
      this.logger.warn({ userListId, jobName }, 'ad audience: the list lock expired while the job was submitted');
    }
    const accepted = rows.filter((row) => !refused.has(row.key));
    for (const row of accepted) {
      results.set(row.key, {
        status: 'Pending',
        externalId: jobName,
        message: `Google Ads job with ${accepted.length} ${accepted.length === 1 ? 'person' : 'people'} running`,
      });
    }
    return results;
  }

  /** Whether the job behind a `Pending` finished; frees the list when it did. */
  async poll(jobName: string, userListId: string): Promise<ActionResult> {
    const customerId = jobCustomerId(jobName);
    const status = await this.client.jobStatus(jobName);
    if (!status.ok) {
      if (status.failure.code === 'AD_AUDIENCE_RATE_LIMITED') {
        await this.block.block('google', status.failure.retryAfterMs ?? 60_000);
      }
      return status.failure;
    }
    const { status: state, failureReason } = status.value;
    if (customerId === undefined) return adFailure('AD_AUDIENCE_BAD_TARGET', `not a Google Ads job name: ${jobName}`);
    if (state === 'SUCCESS') {
      await this.lock.release(customerId, userListId, jobName);
      return { status: 'Succeeded', externalId: jobName, message: 'Google Ads job finished' };
    }
    if (state === 'FAILED') {
      await this.lock.release(customerId, userListId, jobName);
      return adFailure(
        'AD_AUDIENCE_JOB_FAILED',
        `Google Ads job ${jobName} failed: ${failureReason ?? 'no reason given'}`,
      );
    }
    await this.lock.renew(customerId, userListId, jobName);
    return { status: 'Pending', externalId: jobName, message: `Google Ads job ${state.toLowerCase()}` };
  }

  private async acquireList(
    customerId: string,
    userListId: string,
  ): Promise<{ ok: true; token: string } | { ok: false; failure: AdFailure }> {
    const busy = (detail: string) => ({
      ok: false as const,
      failure: adFailure(
        'AD_AUDIENCE_JOB_RUNNING',
        `another Google Ads job is running on user list ${userListId} (${detail}); one job per list at a time`,
        this.options.busyRetryMs,
      ),
    });
    const first = await this.lock.acquire(customerId, userListId);
    if (first.ok) return first;
    if (first.holder.kind === 'submitting') return busy('being submitted');
    // The job holding the list may have finished without anyone polling it (its worker gone): look before waiting.
    const { jobName } = first.holder;
    const status = await this.client.jobStatus(jobName);
    if (!status.ok || (status.value.status !== 'SUCCESS' && status.value.status !== 'FAILED')) return busy(jobName);
    await this.lock.release(customerId, userListId, jobName);
    const second = await this.lock.acquire(customerId, userListId);
    return second.ok ? second : busy('just taken by another worker');
  }

  private async submitJob(
    operation: ActionOperation,
    customerId: string,
    userListId: string,
    rows: readonly AdRow[],
  ): Promise<{ ok: true; jobName?: string; refused: Map<string, AdFailure> } | { ok: false; failure: AdFailure }> {
    const created = await this.client.createJob(customerId, userListId);
    if (!created.ok) return created;
    const jobName = created.value;
    const refused = new Map<string, AdFailure>();
    for (const part of chunk(rows, this.options.operationsPerCall)) {
      const added = await this.client.addOperations(
        jobName,
        part.map((row) => toOperation(operation, row)),
      );
      if (!added.ok) return added;
      for (const error of added.value) {
        const row = error.operationIndex === undefined ? undefined : part[error.operationIndex];
        if (row) {
          refused.set(
            row.key,
            adFailure('AD_AUDIENCE_REJECTED', `Google Ads refused this person: ${error.code} ${error.message}`.trim()),
          );
        }
      }
    }
    if (refused.size === rows.length) return { ok: true, refused };
    const ran = await this.client.run(jobName);
    if (!ran.ok) return ran;
    return { ok: true, jobName, refused };
  }
}

function toOperation(operation: ActionOperation, row: AdRow): JobOperation {
  const userIdentifiers: UserIdentifier[] = [];
  // One identifier per UserIdentifier (a oneof): an email and a phone are two entries of one UserData.
  if (row.identifiers.email) userIdentifiers.push({ hashedEmail: row.identifiers.email });
  if (row.identifiers.phone) userIdentifiers.push({ hashedPhoneNumber: row.identifiers.phone });
  return operation === 'apply' ? { create: { userIdentifiers } } : { remove: { userIdentifiers } };
}
