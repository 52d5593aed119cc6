/** The public job boards a `Job_Board_Url__c` may name. */
export type JobBoardKind = 'greenhouse' | 'lever' | 'ashby';

export interface JobBoardRef {
  kind: JobBoardKind;
  /** Greenhouse board token, Lever site, Ashby job board name. */
  board: string;
}

const BOARD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Which board a URL names, from its host and first path segment: `boards.greenhouse.io/<token>` (also
 * `job-boards.greenhouse.io`, `boards-api.greenhouse.io/v1/boards/<token>`), `jobs.lever.co/<site>` (also
 * `jobs.eu.lever.co`, `api.lever.co/v0/postings/<site>`), `jobs.ashbyhq.com/<name>`. Anything else → undefined.
 */
export function jobBoardFromUrl(raw: string | null | undefined): JobBoardRef | undefined {
  let url: URL;
  try {
    url = new URL((raw ?? '').trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const host = url.hostname.toLowerCase();
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const pick = (kind: JobBoardKind, board: string | undefined): JobBoardRef | undefined =>
    board && BOARD_NAME.test(board) ? { kind, board } : undefined;
  if (host === 'boards-api.greenhouse.io') return pick('greenhouse', segments[0] === 'v1' ? segments[2] : undefined);
  if (host.endsWith('greenhouse.io')) return pick('greenhouse', segments[0]);
  if (host === 'api.lever.co' || host === 'api.eu.lever.co') {
    return pick('lever', segments[0] === 'v0' ? segments[2] : undefined);
  }
  if (host === 'jobs.lever.co' || host === 'jobs.eu.lever.co') return pick('lever', segments[0]);
  if (host === 'jobs.ashbyhq.com') return pick('ashby', segments[0]);
  if (host === 'api.ashbyhq.com') return pick('ashby', segments[0] === 'posting-api' ? segments[2] : undefined);
  return undefined;
}
