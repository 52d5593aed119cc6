/**
 * Public job boards on loopback, answering the documented shapes (reference/external-apis.md §2.1–2.3, fixtures
 * greenhouse/jobs*.json and ashby/job-board-excerpt.json): Greenhouse under `/greenhouse/v1`, Lever under
 * `/lever/v0`, Ashby under `/ashby/posting-api` — point GREENHOUSE_API_URL, LEVER_API_URL and ASHBY_API_URL at them.
 * A test sets each board's open roles, or makes one board answer 404 or an HTML page.
 */
import type { Request, Response } from 'express';
import { jsonApp, listenOnLoopback } from '../providers/fake-server';

export type BoardKind = 'greenhouse' | 'lever' | 'ashby';

export interface FakeRole {
  /** Digits for Greenhouse (its post ids are numbers). */
  id: string;
  title: string;
  department?: string;
  team?: string;
  location?: string;
}

/** How a board answers: its roles, a 404 (unknown board), or a 200 HTML page (a board behind a login or a CDN). */
export type BoardReply = { roles: FakeRole[] } | { status: 'not_found' } | { status: 'html' };

export interface JobBoardFakes {
  greenhouseApiUrl: string;
  leverApiUrl: string;
  ashbyApiUrl: string;
  /** Sets what one board answers from now on; boards not set answer 404. */
  setBoard(kind: BoardKind, board: string, reply: BoardReply): void;
  /** Requests per board, as `<kind>:<board>`. */
  calls(kind: BoardKind, board: string): number;
  stop(): Promise<void>;
}

const HTML = '<!doctype html><html><head><title>Careers</title></head><body><h1>Join us</h1></body></html>';

export async function startJobBoardFakes(): Promise<JobBoardFakes> {
  const boards = new Map<string, BoardReply>();
  const calls = new Map<string, number>();
  const app = jsonApp();

  /** The board's roles, or the reply already sent (404, HTML). */
  const rolesOf = (kind: BoardKind, req: Request, res: Response, notFound: () => void): FakeRole[] | undefined => {
    const board = String(req.params.board);
    calls.set(`${kind}:${board}`, (calls.get(`${kind}:${board}`) ?? 0) + 1);
    const reply = boards.get(`${kind}:${board}`);
    if (!reply || ('status' in reply && reply.status === 'not_found')) return void notFound();
    if ('status' in reply) return void res.status(200).type('html').send(HTML);
    return reply.roles;
  };

  app.get('/greenhouse/v1/boards/:board/jobs', (req, res) => {
    // Greenhouse's body for an unknown board is not documented; a JSON error at 404 is what clients see.
    const roles = rolesOf(
      'greenhouse',
      req,
      res,
      () => void res.status(404).json({ status: 404, error: 'Job not found' }),
    );
    if (!roles) return;
    const withContent = req.query.content === 'true';
    res.json({
      jobs: roles.map((role, index) => ({
        id: Number(role.id),
        internal_job_id: 100_000 + index,
        title: role.title,
        updated_at: '2026-11-28T10:55:28-05:00',
        requisition_id: String(index + 1),
        location: { name: role.location ?? 'Remote' },
        absolute_url: `https://boards.greenhouse.io/${String(req.params.board)}/jobs/${role.id}`,
        metadata: null,
        ...(withContent && {
          content: `&lt;p&gt;${role.title}&lt;/p&gt;`,
          departments: role.department ? [{ id: 1, name: role.department, parent_id: null, child_ids: [] }] : [],
          offices: [{ id: 1, name: role.location ?? 'Remote', location: role.location ?? 'Remote' }],
        }),
      })),
      meta: { total: roles.length },
    });
  });

  app.get('/lever/v0/postings/:board', (req, res) => {
    const roles = rolesOf(
      'lever',
      req,
      res,
      () => void res.status(404).json({ ok: false, error: 'Document not found' }),
    );
    if (!roles) return;
    const skip = Number(req.query.skip ?? 0);
    const limit = req.query.limit === undefined ? roles.length : Number(req.query.limit);
    const page = roles.slice(skip, skip + limit).map((role) => ({
      id: role.id,
      text: role.title,
      categories: {
        location: role.location ?? 'Remote',
        commitment: 'Full-time',
        team: role.team ?? null,
        department: role.department ?? null,
        allLocations: [role.location ?? 'Remote'],
      },
      country: null,
      hostedUrl: `https://jobs.lever.co/${String(req.params.board)}/${role.id}`,
      applyUrl: `https://jobs.lever.co/${String(req.params.board)}/${role.id}/apply`,
      workplaceType: 'remote',
      createdAt: 1_764_000_000_000,
    }));
    if (typeof req.query.group === 'string') {
      const field = req.query.group as 'team' | 'location' | 'commitment';
      const groups = new Map<string, typeof page>();
      for (const posting of page) {
        const title = String(posting.categories[field] ?? '');
        groups.set(title, [...(groups.get(title) ?? []), posting]);
      }
      return void res.json([...groups].map(([title, postings]) => ({ title, postings })));
    }
    res.json(page);
  });

  app.get('/ashby/posting-api/job-board/:board', (req, res) => {
    const roles = rolesOf('ashby', req, res, () => void res.status(404).json({ success: false }));
    if (!roles) return;
    res.json({
      apiVersion: '1',
      jobs: roles.map((role) => ({
        id: role.id,
        title: role.title,
        location: role.location ?? 'Remote',
        secondaryLocations: [],
        department: role.department ?? null,
        team: role.team ?? null,
        isListed: true,
        isRemote: true,
        workplaceType: 'Remote',
        descriptionHtml: `<p>${role.title}</p>`,
        descriptionPlain: role.title,
        publishedAt: '2026-11-28T16:21:55.393+00:00',
        employmentType: 'FullTime',
        jobUrl: `https://jobs.ashbyhq.com/${String(req.params.board)}/${role.id}`,
        applyUrl: `https://jobs.ashbyhq.com/${String(req.params.board)}/${role.id}/application`,
        shouldDisplayCompensationOnJobPostings: false,
      })),
    });
  });

  const server = await listenOnLoopback(app);
  return {
    greenhouseApiUrl: `${server.origin}/greenhouse/v1`,
    leverApiUrl: `${server.origin}/lever/v0`,
    ashbyApiUrl: `${server.origin}/ashby/posting-api`,
    setBoard: (kind, board, reply) => void boards.set(`${kind}:${board}`, reply),
    calls: (kind, board) => calls.get(`${kind}:${board}`) ?? 0,
    stop: () => server.stop(),
  };
}
