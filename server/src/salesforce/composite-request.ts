import { z } from 'zod';
import type { OrgClient } from './org-client';

/** One subrequest of a Composite request: `url` is the full `/services/data/vXX.X/…` path. */
export interface CompositeSubrequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

/** What Salesforce answered one subrequest. */
export interface CompositeAnswer {
  body: unknown;
  httpStatusCode: number;
}

const compositeSchema = z.looseObject({
  compositeResponse: z.array(z.looseObject({ body: z.unknown(), httpStatusCode: z.number() })),
});

/**
 * Sends subrequests as **one** API call (a Composite request, `allOrNone: false`: each stands or falls alone, in
 * order) and returns one answer per subrequest; throws when the request failed as a whole or the answer does not fit.
 */
export async function sendComposite(org: OrgClient, subrequests: CompositeSubrequest[]): Promise<CompositeAnswer[]> {
  const reply = compositeSchema.parse(
    await org.request({ method: 'POST', url: '/composite', body: { allOrNone: false, compositeRequest: subrequests } }),
  );
  if (reply.compositeResponse.length !== subrequests.length) {
    throw new Error(`Salesforce answered ${reply.compositeResponse.length} of ${subrequests.length} subrequests`);
  }
  return reply.compositeResponse;
}
