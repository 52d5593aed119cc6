/**
 * A loopback Google Ads API for Customer Match, answering like the documented REST surface
 * (docs/ad-audiences-reference.md §1): the OAuth token endpoint, offlineUserDataJobs create / addOperations / run,
 * job status through googleAds:search, `google.rpc.Status` error bodies with GoogleAdsFailure details.
 * Job states move only when the test says so (`advanceJob`) or, with `advanceOnPoll`, one step per status read —
 * never on a timer.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express, type Response } from 'express';

export const GOOGLE_ADS_VERSION = 'v26';

export interface GoogleAdsFakeKeys {
  developerToken: string;
  loginCustomerId: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export type JobState = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILED';
export type GoogleFailKind = 'rate_limit' | 'server_error' | 'concurrent' | 'unauthenticated';

export interface FakeJob {
  resourceName: string;
  customerId: string;
  userListId: string;
  status: JobState;
  kind?: 'create' | 'remove';
  /** Hashes per operation, in the order added. */
  operations: string[][];
  failureReason?: string;
}

export interface GoogleRecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface GoogleAdsFakeState {
  keys: GoogleAdsFakeKeys;
  issuedTokens: Set<string>;
  userLists: Set<string>;
  jobs: Map<string, FakeJob>;
  members: Map<string, Set<string>>;
  requests: GoogleRecordedRequest[];
  failures: GoogleFailKind[];
  advanceOnPoll: boolean;
  nextJobId: number;
}

const HASH = /^[0-9a-f]{64}$/;
const listKey = (customerId: string, userListId: string) => `${customerId}/${userListId}`;

export function newGoogleAdsFakeState(keys: GoogleAdsFakeKeys): GoogleAdsFakeState {
  return {
    keys,
    issuedTokens: new Set(),
    userLists: new Set(),
    jobs: new Map(),
    members: new Map(),
    requests: [],
    failures: [],
    advanceOnPoll: false,
    nextJobId: 1001,
  };
}

/** Moves a job one step (or to `to`); a job reaching SUCCESS applies its operations to the list. */
export function advanceJob(state: GoogleAdsFakeState, jobName: string, to?: JobState, failureReason?: string): FakeJob {
  const job = state.jobs.get(jobName);
  if (!job) throw new Error(`no such job ${jobName}`);
  const next: JobState =
    to ?? (job.status === 'PENDING' ? 'RUNNING' : job.status === 'RUNNING' ? 'SUCCESS' : job.status);
  job.status = next;
  if (next === 'FAILED') job.failureReason = failureReason ?? 'UNKNOWN';
  if (next === 'SUCCESS') {
    const members = state.members.get(listKey(job.customerId, job.userListId)) ?? new Set<string>();
    for (const hashes of job.operations) {
      for (const hash of hashes) {
        if (job.kind === 'remove') members.delete(hash);
        else members.add(hash);
      }
    }
    state.members.set(listKey(job.customerId, job.userListId), members);
  }
  return job;
}

function googleError(
  res: Response,
  httpStatus: number,
  grpcStatus: string,
  errorCode: Record<string, string>,
  message: string,
  extra: Record<string, unknown> = {},
) {
  res.status(httpStatus).json({
    error: {
      code: httpStatus,
      message: httpStatus === 400 ? 'Request contains an invalid argument.' : message,
      status: grpcStatus,
      details: [
        {
          '@type': `type.googleapis.com/google.ads.googleads.${GOOGLE_ADS_VERSION}.errors.GoogleAdsFailure`,
          errors: [{ errorCode, message, ...extra }],
          requestId: randomUUID().slice(0, 22),
        },
      ],
    },
  });
}

function failWith(res: Response, kind: GoogleFailKind) {
  switch (kind) {
    case 'rate_limit':
      return googleError(res, 429, 'RESOURCE_EXHAUSTED', { quotaError: 'RESOURCE_EXHAUSTED' }, 'Too many requests.', {
        details: {
          quotaErrorDetails: { rateScope: 'DEVELOPER', rateName: 'Requests per developer', retryDelay: '30s' },
        },
      });
    case 'server_error':
      return googleError(res, 500, 'INTERNAL', { internalError: 'INTERNAL_ERROR' }, 'An internal error has occurred.');
    case 'concurrent':
      return googleError(
        res,
        400,
        'INVALID_ARGUMENT',
        { databaseError: 'CONCURRENT_MODIFICATION' },
        'Multiple requests were attempting to modify the same resource at once. Retry the request.',
      );
    case 'unauthenticated':
      return googleError(
        res,
        401,
        'UNAUTHENTICATED',
        { authenticationError: 'OAUTH_TOKEN_INVALID' },
        'Invalid OAuth token.',
      );
  }
}

export function createGoogleAdsFake(state: GoogleAdsFakeState): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '20mb' }));
  app.use(express.urlencoded({ extended: false }));
  app.use((req, _res, next) => {
    state.requests.push({
      method: req.method,
      path: req.path,
      headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])),
      body: req.body as unknown,
    });
    next();
  });

  app.post('/token', (req, res) => {
    const body = (req.body ?? {}) as Record<string, string>;
    if (body.client_id !== state.keys.clientId || body.client_secret !== state.keys.clientSecret) {
      return void res
        .status(401)
        .json({ error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    }
    if (body.grant_type !== 'refresh_token' || body.refresh_token !== state.keys.refreshToken) {
      return void res
        .status(400)
        .json({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    }
    const token = `ya29.fake-${randomUUID()}`;
    state.issuedTokens.add(token);
    res.json({
      access_token: token,
      expires_in: 3599,
      scope: 'https://www.googleapis.com/auth/adwords',
      token_type: 'Bearer',
    });
  });

  app.use(`/${GOOGLE_ADS_VERSION}`, (req, res, next) => {
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!bearer || !state.issuedTokens.has(bearer)) {
      return googleError(
        res,
        401,
        'UNAUTHENTICATED',
        { authenticationError: 'OAUTH_TOKEN_INVALID' },
        'Invalid OAuth token.',
      );
    }
    if (req.get('developer-token') !== state.keys.developerToken) {
      return googleError(
        res,
        403,
        'PERMISSION_DENIED',
        { authorizationError: 'DEVELOPER_TOKEN_PROHIBITED' },
        'Developer token is not allowed with the project sent in the request.',
      );
    }
    if (req.get('login-customer-id') !== state.keys.loginCustomerId) {
      return googleError(
        res,
        403,
        'PERMISSION_DENIED',
        { authorizationError: 'USER_PERMISSION_DENIED' },
        "User doesn't have permission to access customer. If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header.",
      );
    }
    const failure = state.failures.shift();
    if (failure) return failWith(res, failure);
    next();
  });

  app.post(/.*/, (req, res) => {
    const path = req.path.slice(GOOGLE_ADS_VERSION.length + 2);
    const body = (req.body ?? {}) as Record<string, unknown>;
    let match: RegExpExecArray | null;
    if ((match = /^customers\/(\d+)\/offlineUserDataJobs:create$/.exec(path)))
      return createJob(state, res, String(match[1]), body);
    if ((match = /^(customers\/(\d+)\/offlineUserDataJobs\/\d+):addOperations$/.exec(path))) {
      return addOperations(state, res, String(match[1]), body);
    }
    if ((match = /^(customers\/(\d+)\/offlineUserDataJobs\/\d+):run$/.exec(path)))
      return runJob(state, res, String(match[1]));
    if ((match = /^customers\/(\d+)\/googleAds:search$/.exec(path))) return search(state, res, body);
    res.status(404).json({ error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } });
  });
  return app;
}

function createJob(state: GoogleAdsFakeState, res: Response, customerId: string, body: Record<string, unknown>) {
  const job = (body.job ?? {}) as { type?: string; customerMatchUserListMetadata?: { userList?: string } };
  const userList = /^customers\/(\d+)\/userLists\/(\d+)$/.exec(job.customerMatchUserListMetadata?.userList ?? '');
  if (job.type !== 'CUSTOMER_MATCH_USER_LIST' || !userList || userList[1] !== customerId) {
    return googleError(
      res,
      400,
      'INVALID_ARGUMENT',
      { offlineUserDataJobError: 'INVALID_USER_LIST_TYPE' },
      'Type of the user list is not applicable for the job.',
    );
  }
  if (!state.userLists.has(listKey(customerId, String(userList[2])))) {
    return googleError(
      res,
      400,
      'INVALID_ARGUMENT',
      { offlineUserDataJobError: 'INVALID_USER_LIST_ID' },
      'The user list ID provided for the job is invalid.',
    );
  }
  const resourceName = `customers/${customerId}/offlineUserDataJobs/${state.nextJobId++}`;
  state.jobs.set(resourceName, {
    resourceName,
    customerId,
    userListId: String(userList[2]),
    status: 'PENDING',
    operations: [],
  });
  res.json({ resourceName });
}

function addOperations(state: GoogleAdsFakeState, res: Response, jobName: string, body: Record<string, unknown>) {
  const job = state.jobs.get(jobName);
  if (!job) return void res.status(404).json({ error: { code: 404, message: 'Job not found.', status: 'NOT_FOUND' } });
  if (job.status !== 'PENDING') {
    return googleError(
      res,
      400,
      'INVALID_ARGUMENT',
      { offlineUserDataJobError: 'JOB_ALREADY_STARTED' },
      'Once the upload job is started, new operations cannot be added.',
    );
  }
  const operations = Array.isArray(body.operations) ? (body.operations as Record<string, unknown>[]) : [];
  const partial = body.enablePartialFailure === true;
  const errors: Record<string, unknown>[] = [];
  const accepted: { kind: 'create' | 'remove'; hashes: string[] }[] = [];
  for (const [index, operation] of operations.entries()) {
    const kind = operation.create ? 'create' : operation.remove ? 'remove' : undefined;
    if (!kind || (job.kind && job.kind !== kind) || accepted.some((other) => other.kind !== kind)) {
      return googleError(
        res,
        400,
        'INVALID_ARGUMENT',
        { offlineUserDataJobError: 'CONFLICTING_OPERATION' },
        'Mixing creation and removal of offline data in the same job is not allowed.',
      );
    }
    const identifiers = ((operation[kind] as { userIdentifiers?: unknown[] }).userIdentifiers ?? []) as Record<
      string,
      unknown
    >[];
    const hashes = identifiers.map((identifier) => identifier.hashedEmail ?? identifier.hashedPhoneNumber);
    const bad =
      identifiers.length === 0 ||
      identifiers.length > 20 ||
      identifiers.some((identifier) => Object.keys(identifier).length !== 1) ||
      hashes.some((hash) => typeof hash !== 'string' || !HASH.test(hash));
    if (bad) {
      const error = {
        errorCode: {
          offlineUserDataJobError: identifiers.length > 20 ? 'TOO_MANY_USER_IDENTIFIERS' : 'INVALID_SHA256_FORMAT',
        },
        message: 'The SHA256 encoded value is malformed.',
        location: { fieldPathElements: [{ fieldName: 'operations', index }, { fieldName: kind }] },
      };
      if (!partial) return googleError(res, 400, 'INVALID_ARGUMENT', error.errorCode, error.message);
      errors.push(error);
      continue;
    }
    accepted.push({ kind, hashes: hashes as string[] });
  }
  for (const operation of accepted) {
    job.kind = operation.kind;
    job.operations.push(operation.hashes);
  }
  if (errors.length === 0) return void res.json({});
  res.json({
    partialFailureError: {
      code: 3,
      message: 'Some operations failed.',
      details: [
        {
          '@type': `type.googleapis.com/google.ads.googleads.${GOOGLE_ADS_VERSION}.errors.GoogleAdsFailure`,
          errors,
        },
      ],
    },
  });
}

function runJob(state: GoogleAdsFakeState, res: Response, jobName: string) {
  const job = state.jobs.get(jobName);
  if (!job) return void res.status(404).json({ error: { code: 404, message: 'Job not found.', status: 'NOT_FOUND' } });
  if (job.status !== 'PENDING') {
    return googleError(
      res,
      400,
      'INVALID_ARGUMENT',
      { offlineUserDataJobError: 'JOB_ALREADY_STARTED' },
      'Once the upload job is started, new operations cannot be added.',
    );
  }
  const another = [...state.jobs.values()].some(
    (other) =>
      other !== job &&
      other.status === 'RUNNING' &&
      listKey(other.customerId, other.userListId) === listKey(job.customerId, job.userListId),
  );
  if (another) return failWith(res, 'concurrent');
  job.status = 'RUNNING';
  res.json({
    name: `customers/${job.customerId}/operations/${randomUUID()}`,
    metadata: {
      '@type': `type.googleapis.com/google.ads.googleads.${GOOGLE_ADS_VERSION}.resources.OfflineUserDataJobMetadata`,
    },
    done: false,
  });
}

function search(state: GoogleAdsFakeState, res: Response, body: Record<string, unknown>) {
  const query = typeof body.query === 'string' ? body.query : '';
  const name = /offline_user_data_job\.resource_name\s*=\s*'([^']+)'/.exec(query)?.[1];
  const job = name ? state.jobs.get(name) : undefined;
  if (!job)
    return void res.json({ results: [], fieldMask: 'offlineUserDataJob.status', requestId: randomUUID().slice(0, 22) });
  if (state.advanceOnPoll && job.status === 'RUNNING') advanceJob(state, job.resourceName);
  res.json({
    results: [
      {
        offlineUserDataJob: {
          resourceName: job.resourceName,
          id: job.resourceName.split('/').pop(),
          status: job.status,
          type: 'CUSTOMER_MATCH_USER_LIST',
          ...(job.failureReason ? { failureReason: job.failureReason } : {}),
        },
      },
    ],
    fieldMask: 'offlineUserDataJob.resourceName,offlineUserDataJob.status,offlineUserDataJob.failureReason',
    requestId: randomUUID().slice(0, 22),
  });
}
