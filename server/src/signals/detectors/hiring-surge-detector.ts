import { z } from 'zod';
import type { OrgClient } from '../../salesforce/org-client';
import { accountsWithJobBoardQuery } from '../../salesforce/selectors/detector-selectors';
import type { LoadedSignalRule, SignalSettings } from '../signal-rule';
import { DetectorSourceError } from './detector-errors';
import type { DetectorRunEnd } from './detector-run';
import type { DetectorRunContext, SignalDetector } from './detector';
import { jobBoardFromUrl } from './job-boards/board-url';
import type { JobBoardClient } from './job-boards/job-board-client';
import { matchesRoleFilter, type OpenRole } from './job-boards/open-role';
import type { OpenRolesCount, OpenRolesHistory } from './job-boards/open-roles-history';

const accountRow = z.looseObject({
  Id: z.string(),
  Name: z.string().nullish(),
  Job_Board_Url__c: z.string().nullish(),
  Open_Roles__c: z.number().nullish(),
});

/** Where an Account's open-role count goes when it does not fire (a firing carries it as an attribute). */
export interface OpenRolesWriter {
  writeOpenRoles(accountId: string, count: number): Promise<void>;
}

type HiringSurgeRule = Extract<LoadedSignalRule, { type: 'Hiring_Surge' }>;

/**
 * Hiring_Surge: reads each Account's public job board (Greenhouse, Lever or Ashby, told from `Job_Board_Url__c`),
 * counts open roles under the rule's filter, keeps the counts of the window in Redis and fires when the count grew
 * by at least `minAdded` and `minPercent` % over `windowDays`. A board that cannot be read (404, HTML, another
 * shape) is recorded for its Account; the others go on.
 */
export class HiringSurgeDetector implements SignalDetector<'Hiring_Surge'> {
  readonly type = 'Hiring_Surge' as const;

  constructor(
    private readonly deps: {
      org: OrgClient;
      boards: JobBoardClient;
      history: OpenRolesHistory;
      openRoles?: OpenRolesWriter;
    },
  ) {}

  async detect(rule: HiringSurgeRule, context: DetectorRunContext): Promise<DetectorRunEnd> {
    const rows = z.array(accountRow).parse(await this.deps.org.query(accountsWithJobBoardQuery()));
    for (const account of rows) {
      const stop = context.shouldStop();
      if (stop) return stopped(stop, context);
      await this.checkAccount(rule, account, context);
    }
    return context.run.completed();
  }

  private async checkAccount(
    rule: HiringSurgeRule,
    account: z.infer<typeof accountRow>,
    context: DetectorRunContext,
  ): Promise<void> {
    const { run } = context;
    const ref = jobBoardFromUrl(account.Job_Board_Url__c);
    if (!ref) {
      run.recordFailure(
        account.Id,
        'JOB_BOARD_URL_UNKNOWN',
        'Job_Board_Url__c is not a Greenhouse, Lever or Ashby board',
      );
      return;
    }
    let roles: OpenRole[];
    try {
      roles = (await this.deps.boards.openRoles(ref)).filter((role) => matchesRoleFilter(role, rule.settings));
    } catch (error) {
      if (!(error instanceof DetectorSourceError)) throw error;
      run.recordFailure(account.Id, error.code, error.message);
      return;
    }
    run.checked += 1;
    const now = context.now().toISOString();
    const current: OpenRolesCount = { at: now, count: roles.length, ids: roles.map((role) => role.id) };
    const baseline = await this.deps.history.record(rule.id, account.Id, current, rule.settings.windowDays);
    if (!surged(baseline, current, rule.settings)) {
      if (account.Open_Roles__c !== current.count) await this.deps.openRoles?.writeOpenRoles(account.Id, current.count);
      return;
    }
    const before = new Set(baseline.ids);
    const added = roles.filter((role) => !before.has(role.id));
    const outcome = await context.sink.fire({
      rule,
      object: 'Account',
      recordId: account.Id,
      // The count and the start of the window it grew over name this surge: a re-run finds the same one.
      identity: `open_roles:${current.count}:${baseline.at.slice(0, 10)}`,
      summary: `${account.Name ?? 'Account'} open roles grew from ${baseline.count} to ${current.count} since ${baseline.at.slice(0, 10)}`,
      evidence: {
        board: ref.kind,
        boardName: ref.board,
        source: account.Job_Board_Url__c,
        filter: { department: rule.settings.department, keywords: rule.settings.keywords },
        previousCount: baseline.count,
        previousCountAt: baseline.at,
        count: current.count,
        countedAt: now,
        rolesAdded: added.slice(0, 50).map((role) => ({ id: role.id, title: role.title, department: role.department })),
      },
      // The count is read, not guessed: the only doubt is whether a posting is a real opening.
      confidence: 0.9,
      occurredAt: now,
      attributes: { 'company.open_roles': current.count },
      runId: run.id,
    });
    run.outcome(account.Id, outcome);
    if (outcome.status !== 'failed') {
      await this.deps.history.restartAt(rule.id, account.Id, current, rule.settings.windowDays);
    }
  }
}

/** Grown by at least `minAdded` roles and `minPercent` % (from zero, any growth is infinite percent). */
export function surged(
  baseline: OpenRolesCount,
  current: OpenRolesCount,
  settings: Pick<SignalSettings<'Hiring_Surge'>, 'minAdded' | 'minPercent'>,
): boolean {
  const added = current.count - baseline.count;
  if (added <= 0 || added < settings.minAdded) return false;
  const percent = baseline.count === 0 ? Number.POSITIVE_INFINITY : (added / baseline.count) * 100;
  return percent >= settings.minPercent;
}

export function stopped(stop: { status: DetectorRunEnd['status']; message: string }, context: DetectorRunContext) {
  return { status: stop.status, message: `${stop.message} (checked ${context.run.checked} so far)` };
}
