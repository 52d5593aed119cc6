/**
 * Meta Custom Audiences: `POST` (add) or `DELETE` (remove) `/{version}/{audience_id}/users` with the multi-key
 * schema `["EMAIL","PHONE"]`, at most 10,000 rows per call, the calls of one batch tied by a `session`. Synchronous:
 * the reply counts received and invalid rows.
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { ActionOperation, ActionResult } from '../../action-target';
import { adFailure, type AdFailure } from './ad-failure';
import type { MetaCredentials } from './ad-audience-env';
import { sendRequest, type FetchLike } from './ad-http';
import { chunk, type AdRow } from './ad-rows';
import { metaCallFailure } from './meta-errors';
import type { PlatformBlock } from './platform-block';

/** Meta's documented maximum per call. */
export const META_MAX_ROWS_PER_CALL = 10_000;

const replySchema = z.object({
  session_id: z.union([z.string(), z.number()]).optional(),
  num_received: z.coerce.number().int().nonnegative(),
  num_invalid_entries: z.coerce.number().int().nonnegative().default(0),
  invalid_entry_samples: z.unknown().optional(),
});

export class MetaCustomAudiences {
  constructor(
    private readonly credentials: MetaCredentials,
    private readonly fetchImpl: FetchLike,
    private readonly block: PlatformBlock,
    private readonly timeoutMs: number,
    private readonly rowsPerCall = META_MAX_ROWS_PER_CALL,
  ) {}

  async send(
    operation: ActionOperation,
    audienceId: string,
    rows: readonly AdRow[],
  ): Promise<Map<string, ActionResult>> {
    const results = new Map<string, ActionResult>();
    if (rows.length === 0) return results;
    const batches = chunk(rows, Math.min(this.rowsPerCall, META_MAX_ROWS_PER_CALL));
    const sessionId = randomInt(1, 2 ** 47);
    for (const [index, batch] of batches.entries()) {
      const blockedMs = await this.block.remainingMs('meta');
      const failure =
        blockedMs > 0
          ? adFailure('AD_AUDIENCE_RATE_LIMITED', 'Meta asked us to wait', blockedMs)
          : await this.sendBatch(operation, audienceId, batch, results, {
              session_id: sessionId,
              batch_seq: index + 1,
              last_batch_flag: index === batches.length - 1,
              estimated_num_total: rows.length,
            });
      if (failure) {
        // The calls left would meet the same answer: give this batch and the rest the failure, the step retries.
        for (const row of batches.slice(index).flat()) results.set(row.key, failure);
        if (failure.code === 'AD_AUDIENCE_RATE_LIMITED' && blockedMs === 0) {
          await this.block.block('meta', failure.retryAfterMs ?? 60_000);
        }
        break;
      }
    }
    return results;
  }

  private async sendBatch(
    operation: ActionOperation,
    audienceId: string,
    batch: readonly AdRow[],
    results: Map<string, ActionResult>,
    session: Record<string, number | boolean>,
  ): Promise<AdFailure | undefined> {
    const { baseUrl, apiVersion, accessToken } = this.credentials;
    const label = operation === 'apply' ? 'add users' : 'remove users';
    const reply = await sendRequest(
      {
        url: `${baseUrl.replace(/\/+$/, '')}/${apiVersion}/${audienceId}/users`,
        method: operation === 'apply' ? 'POST' : 'DELETE',
        form: {
          payload: JSON.stringify({
            schema: ['EMAIL', 'PHONE'],
            data: batch.map((row) => [row.identifiers.email ?? '', row.identifiers.phone ?? '']),
          }),
          session: JSON.stringify(session),
          access_token: accessToken,
        },
        timeoutMs: this.timeoutMs,
      },
      this.fetchImpl,
    );
    if (reply.kind === 'network') return adFailure('AD_AUDIENCE_UNAVAILABLE', `Meta ${label}: ${reply.message}`);
    if (reply.status < 200 || reply.status >= 300)
      return metaCallFailure(label, reply.status, reply.body, reply.headers);
    const parsed = replySchema.safeParse(reply.body);
    if (!parsed.success) return adFailure('AD_AUDIENCE_UNAVAILABLE', `Meta ${label}: reply without counts`);

    const { num_received: received, num_invalid_entries: invalid } = parsed.data;
    const invalidValues = sampleValues(parsed.data.invalid_entry_samples);
    const externalId = `${audienceId}/session/${String(parsed.data.session_id ?? session.session_id)}`;
    const counts = `Meta received ${received} of ${batch.length} rows, ${invalid} invalid`;
    for (const row of batch) {
      const values = [row.identifiers.email, row.identifiers.phone].filter((value) => value !== undefined);
      if (values.some((value) => invalidValues.has(value))) {
        results.set(row.key, adFailure('AD_AUDIENCE_REJECTED', `${counts}; this person's row was invalid`));
      } else {
        results.set(row.key, { status: 'Succeeded', externalId, message: invalid > 0 ? counts : undefined });
      }
    }
    return undefined;
  }
}

/** The values named in `invalid_entry_samples`, whatever its exact shape (object keys, arrays, strings). */
function sampleValues(samples: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') found.add(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        found.add(key);
        visit(inner);
      }
    }
  };
  visit(samples);
  return found;
}
