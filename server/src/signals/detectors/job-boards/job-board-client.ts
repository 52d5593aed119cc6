import { DetectorSourceError, retryableStatus } from '../detector-errors';
import { ashbyRoles, greenhouseRoles, leverRoles } from './board-replies';
import type { JobBoardKind, JobBoardRef } from './board-url';
import type { OpenRole } from './open-role';

/** The public API roots (GREENHOUSE_API_URL, LEVER_API_URL, ASHBY_API_URL; the fakes in tests). */
export interface JobBoardApiUrls {
  greenhouse: string;
  lever: string;
  ashby: string;
}

export const PUBLIC_JOB_BOARD_API_URLS: JobBoardApiUrls = {
  greenhouse: 'https://boards-api.greenhouse.io/v1',
  lever: 'https://api.lever.co/v0',
  ashby: 'https://api.ashbyhq.com/posting-api',
};

/** Lever pages with `skip`/`limit` and returns no total: read pages until one is short (capped, boards are small). */
const LEVER_PAGE = 100;
const LEVER_MAX_PAGES = 50;

/**
 * Reads the open roles of one public job board (no key: these are the boards' public read APIs). A 404, an HTML
 * page or a reply of another shape is a coded error for that board only; the detector records it and goes on.
 */
export class JobBoardClient {
  constructor(
    private readonly urls: JobBoardApiUrls,
    private readonly options: { timeoutMs?: number; fetch?: typeof fetch } = {},
  ) {}

  async openRoles(ref: JobBoardRef): Promise<OpenRole[]> {
    const board = encodeURIComponent(ref.board);
    switch (ref.kind) {
      case 'greenhouse':
        return this.read(ref.kind, `${this.root('greenhouse')}/boards/${board}/jobs?content=true`, greenhouseRoles);
      case 'ashby':
        return this.read(ref.kind, `${this.root('ashby')}/job-board/${board}`, ashbyRoles);
      case 'lever': {
        const roles: OpenRole[] = [];
        for (let page = 0; page < LEVER_MAX_PAGES; page += 1) {
          const url = `${this.root('lever')}/postings/${board}?mode=json&skip=${page * LEVER_PAGE}&limit=${LEVER_PAGE}`;
          const batch = await this.read(ref.kind, url, leverRoles);
          roles.push(...batch);
          if (batch.length < LEVER_PAGE) break;
        }
        return roles;
      }
    }
  }

  private root(kind: JobBoardKind): string {
    return this.urls[kind].replace(/\/+$/, '');
  }

  private async read(
    kind: JobBoardKind,
    url: string,
    parse: (json: unknown) => OpenRole[] | undefined,
  ): Promise<OpenRole[]> {
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new DetectorSourceError('JOB_BOARD_UNAVAILABLE', `${kind} board did not answer: ${String(error)}`, true);
    }
    if (response.status === 404) {
      throw new DetectorSourceError(
        'JOB_BOARD_NOT_FOUND',
        `${kind} board not found (404); check Job_Board_Url__c`,
        false,
      );
    }
    if (!response.ok) {
      const retryable = retryableStatus(response.status);
      throw new DetectorSourceError(
        'JOB_BOARD_UNAVAILABLE',
        `${kind} board answered HTTP ${response.status}`,
        retryable,
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const type = response.headers.get('content-type') ?? 'no content type';
      throw new DetectorSourceError('JOB_BOARD_NOT_JSON', `${kind} board answered ${type}, not JSON`, false);
    }
    const roles = parse(json);
    if (!roles) {
      throw new DetectorSourceError(
        'JOB_BOARD_UNEXPECTED_SHAPE',
        `${kind} board answered JSON of another shape`,
        false,
      );
    }
    return roles;
  }
}
