/**
 * The four Google Ads REST calls Customer Match needs (create job, add operations, run, read the job's status),
 * with the `developer-token` / `login-customer-id` headers and a bearer token. Ids are checked as digits before
 * they reach a URL or the GAQL query (GAQL has no parameters).
 */
import { z } from 'zod';
import { adFailure, type AdFailure } from './ad-failure';
import type { GoogleAdsCredentials } from './ad-audience-env';
import { sendRequest, type FetchLike } from './ad-http';
import { GoogleAccessToken } from './google-access-token';
import { googleAdsErrors, googleCallFailure, type GoogleAdsError } from './google-ads-errors';

export type CallResult<T> = { ok: true; value: T } | { ok: false; failure: AdFailure };

export interface UserIdentifier {
  hashedEmail?: string;
  hashedPhoneNumber?: string;
}

export type JobOperation =
  { create: { userIdentifiers: UserIdentifier[] } } | { remove: { userIdentifiers: UserIdentifier[] } };

export type JobStatus = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'UNKNOWN';

const JOB_NAME = /^customers\/(\d{1,20})\/offlineUserDataJobs\/(\d{1,20})$/;
const createReplySchema = z.object({ resourceName: z.string().regex(JOB_NAME) });
const searchReplySchema = z.object({
  results: z
    .array(
      z.object({
        offlineUserDataJob: z.object({
          status: z.string(),
          failureReason: z.string().optional(),
        }),
      }),
    )
    .optional(),
});

/** The customer id inside a job resource name, or undefined when it is not one. */
export function jobCustomerId(jobName: string): string | undefined {
  return JOB_NAME.exec(jobName)?.[1];
}

export class GoogleAdsClient {
  private readonly token: GoogleAccessToken;

  constructor(
    private readonly credentials: GoogleAdsCredentials,
    private readonly fetchImpl: FetchLike,
    now: () => number,
    private readonly timeoutMs: number,
  ) {
    this.token = new GoogleAccessToken(credentials, fetchImpl, now, timeoutMs);
  }

  async createJob(customerId: string, userListId: string): Promise<CallResult<string>> {
    const reply = await this.post('create job', `customers/${customerId}/offlineUserDataJobs:create`, {
      job: {
        type: 'CUSTOMER_MATCH_USER_LIST',
        customerMatchUserListMetadata: { userList: `customers/${customerId}/userLists/${userListId}` },
      },
    });
    if (!reply.ok) return reply;
    const parsed = createReplySchema.safeParse(reply.value);
    return parsed.success
      ? { ok: true, value: parsed.data.resourceName }
      : { ok: false, failure: adFailure('AD_AUDIENCE_UNAVAILABLE', 'Google Ads create job: reply without a job name') };
  }

  /** Adds with partial failure on: the errors name the operations (by index) Google refused. */
  async addOperations(jobName: string, operations: JobOperation[]): Promise<CallResult<GoogleAdsError[]>> {
    const reply = await this.post('add operations', `${jobName}:addOperations`, {
      enablePartialFailure: true,
      operations,
    });
    if (!reply.ok) return reply;
    const body = reply.value as { partialFailureError?: unknown } | undefined;
    return { ok: true, value: googleAdsErrors(body?.partialFailureError) };
  }

  async run(jobName: string): Promise<CallResult<void>> {
    const reply = await this.post('run job', `${jobName}:run`, {});
    return reply.ok ? { ok: true, value: undefined } : reply;
  }

  async jobStatus(jobName: string): Promise<CallResult<{ status: JobStatus; failureReason?: string }>> {
    const customerId = jobCustomerId(jobName);
    if (!customerId) {
      return { ok: false, failure: adFailure('AD_AUDIENCE_BAD_TARGET', `not a Google Ads job name: ${jobName}`) };
    }
    const query =
      'SELECT offline_user_data_job.resource_name, offline_user_data_job.status, ' +
      'offline_user_data_job.failure_reason FROM offline_user_data_job ' +
      `WHERE offline_user_data_job.resource_name = '${jobName}'`;
    const reply = await this.post('job status', `customers/${customerId}/googleAds:search`, { query });
    if (!reply.ok) return reply;
    const parsed = searchReplySchema.safeParse(reply.value);
    const job = parsed.success ? parsed.data.results?.[0]?.offlineUserDataJob : undefined;
    if (!job) return { ok: false, failure: adFailure('AD_AUDIENCE_REJECTED', `Google Ads job ${jobName} not found`) };
    const known: readonly string[] = ['PENDING', 'RUNNING', 'SUCCESS', 'FAILED'];
    return {
      ok: true,
      value: {
        status: known.includes(job.status) ? (job.status as JobStatus) : 'UNKNOWN',
        failureReason: job.failureReason,
      },
    };
  }

  private async post(label: string, path: string, body: unknown, retried = false): Promise<CallResult<unknown>> {
    const token = await this.token.get();
    if (!token.ok) return token;
    const reply = await sendRequest(
      {
        url: `${this.credentials.baseUrl.replace(/\/+$/, '')}/${path}`,
        method: 'POST',
        headers: {
          authorization: `Bearer ${token.token}`,
          'developer-token': this.credentials.developerToken,
          'login-customer-id': this.credentials.loginCustomerId,
        },
        json: body,
        timeoutMs: this.timeoutMs,
      },
      this.fetchImpl,
    );
    if (reply.kind === 'network') {
      return { ok: false, failure: adFailure('AD_AUDIENCE_UNAVAILABLE', `Google Ads ${label}: ${reply.message}`) };
    }
    if (reply.status >= 200 && reply.status < 300) return { ok: true, value: reply.body };
    if (reply.status === 401 && !retried) {
      // An access token can be revoked before it expires: fetch a new one once, then believe the 401.
      this.token.forget();
      return this.post(label, path, body, true);
    }
    return { ok: false, failure: googleCallFailure(label, reply.status, reply.body) };
  }
}
