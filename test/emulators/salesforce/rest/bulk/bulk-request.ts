/** Request helpers shared by the Bulk API 2.0 routes: zod bodies, the job's changeOrigin, error shapes. */
import { z } from 'zod';
import { SfError } from '../../errors';
import { changeOrigin, type ApiRequest } from '../api';
import { COLUMN_DELIMITERS, type ColumnDelimiter } from './bulk-csv';

export const columnDelimiterSchema = z.enum(Object.keys(COLUMN_DELIMITERS) as [ColumnDelimiter, ...ColumnDelimiter[]]);
export const lineEndingSchema = z.enum(['LF', 'CRLF']);

/** Parses `req.body` with `schema`; a mismatch is a `400 INVALIDJOB` with zod's summary. */
export function parseBody<T extends z.ZodType>(req: ApiRequest, schema: T): z.infer<T> {
  const parsed = schema.safeParse(req.body ?? {});
  if (!parsed.success) throw new SfError(400, 'INVALIDJOB', z.prettifyError(parsed.error).replace(/\n/g, ' '));
  return parsed.data;
}

/** `com/salesforce/api/bulkapi/62.0;client=<Sforce-Call-Options client>`; just the API part when no client is named. */
export function bulkChangeOrigin(req: ApiRequest): string {
  return changeOrigin(req, 'bulkapi');
}

/** Whether the request names a client in `Sforce-Call-Options` (then it sets the job's changeOrigin). */
export function namesClient(req: ApiRequest): boolean {
  return /(?:^|,)\s*client=[^,]+/.test(req.headers['sforce-call-options'] ?? '');
}

export function csvResponse(
  text: string,
  headers: Record<string, string> = {},
): {
  status: number;
  body: string;
  contentType: string;
  headers: Record<string, string>;
} {
  return { status: 200, body: text, contentType: 'text/csv', headers };
}
