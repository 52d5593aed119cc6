/**
 * Judges the actions' effects against the membership episodes, per action: each episode opened gets exactly one
 * entry effect, each episode closed gets exactly one remove (every chaos action has `On_Exit__c = Remove`). Pure:
 * the org and the fakes are read elsewhere (`action-effects.ts`), so the judging is unit-tested on its own.
 */

export interface Episode {
  /** `Audience_Member__c.Key__c`: `<audienceId>-<recordId>-<n>`. */
  key: string;
  recordId: string;
  active: boolean;
}

/** What was found in the org and the fakes, already attributed to episodes or records. */
export interface ObservedEffects {
  /** Application keys (`<actionId>-<episodeKey>-apply`) whose log says Skipped: no effect expected. */
  skippedApplies: ReadonlySet<string>;
  /**
   * Records that had, at some time in the run, an email another record had too. Whether their applications are
   * Skipped depends on timing, not on faults: an apply that runs before a rep's edit changes the email meets the
   * twin's prospect ("already in the sequence"), one that runs after does not — the clean run's count varies too.
   */
  sharedEmailRecords?: ReadonlySet<string>;
  /** Every application's log row by key (`Status__c: Message__c`), to say in the examples what the log claims. */
  logs?: ReadonlyMap<string, string>;
  campaign: { actionId: string; memberContactIds: readonly string[] };
  task: { actionId: string; steps: number; tasks: readonly { key: string; open: boolean }[] };
  /** One entry per prospect: the records whose email (at any time) is the prospect's, and its sequence states. */
  outreach: {
    actionId: string;
    prospects: readonly { recordIds: readonly string[]; states: readonly { active: boolean }[] }[];
  };
  /** One entry per distinct event id the receiver acted on. */
  webhook: { actionId: string; events: readonly { event: string; episodeKey: string }[] };
}

export interface ActionTally {
  action: string;
  expectedApplies: number;
  expectedRemoves: number;
  skipped: number;
  /** Skipped applications of records outside `sharedEmailRecords`: the count a faulty run must not change. */
  skippedJudged: number;
  /** Those judged skips, each with its log row (`Status__c: Message__c`): what to compare when the counts differ. */
  judgedSkips: { recordId: string; log: string }[];
  duplicated: number;
  missing: number;
}

export interface EffectTally {
  actions: ActionTally[];
  duplicated: number;
  missing: number;
  /** Prospects shared by several records (the seed's duplicate people): one sequence state can serve them all. */
  sharedProspects: number;
  examples: string[];
}

const applyKey = (actionId: string, episodeKey: string) => `${actionId}-${episodeKey}-apply`;

export function tallyEffects(episodes: readonly Episode[], observed: ObservedEffects): EffectTally {
  const examples: string[] = [];
  // A few per action, so one action's many findings do not hide another's.
  const note = (line: string) => {
    const kind = line.slice(0, line.indexOf(':'));
    if (examples.filter((e) => e.startsWith(`${kind}:`)).length < 3) examples.push(line);
  };
  const logged = (actionId: string, episodeKey: string, operation = 'apply') =>
    ` [log: ${observed.logs?.get(`${actionId}-${episodeKey}-${operation}`) ?? 'none'}]`;
  const applied = (actionId: string) => episodes.filter((e) => !observed.skippedApplies.has(applyKey(actionId, e.key)));
  const tallies: ActionTally[] = [];
  const tally = (action: string, actionId: string): ActionTally => {
    const wanted = applied(actionId);
    const judged = episodes.filter(
      (e) => observed.skippedApplies.has(applyKey(actionId, e.key)) && !observed.sharedEmailRecords?.has(e.recordId),
    );
    const t: ActionTally = {
      action,
      expectedApplies: wanted.length,
      expectedRemoves: wanted.filter((e) => !e.active).length,
      skipped: episodes.length - wanted.length,
      skippedJudged: judged.length,
      judgedSkips: judged.map((e) => ({
        recordId: e.recordId,
        log: observed.logs?.get(applyKey(actionId, e.key)) ?? 'none',
      })),
      duplicated: 0,
      missing: 0,
    };
    tallies.push(t);
    return t;
  };

  // Campaign: one CampaignMember per contact at most (Salesforce refuses a second), present while an episode is open.
  {
    const { actionId, memberContactIds } = observed.campaign;
    const t = tally('Campaign', actionId);
    const members = new Map<string, number>();
    for (const id of memberContactIds) members.set(id, (members.get(id) ?? 0) + 1);
    const byRecord = groupBy(applied(actionId), (e) => e.recordId);
    for (const [recordId, eps] of byRecord) {
      const shouldBeMember = eps.some((e) => e.active);
      const count = members.get(recordId) ?? 0;
      if (shouldBeMember && count === 0) {
        t.missing += 1;
        note(`Campaign: ${recordId} is in the audience and not a campaign member${logged(actionId, eps.at(-1)!.key)}`);
      } else if (!shouldBeMember && count > 0) {
        t.missing += 1;
        note(
          `Campaign: ${recordId} left the audience and is still a campaign member (remove missing)` +
            logged(actionId, eps.at(-1)!.key, 'remove'),
        );
      }
      if (count > 1) t.duplicated += count - 1;
      members.delete(recordId);
    }
    for (const [recordId, count] of members) {
      t.duplicated += count;
      note(`Campaign: ${recordId} is a member without an episode that asks for it`);
    }
  }

  // Task cadence: one Task per step and episode (keyed), open while the episode is, closed after its exit.
  {
    const { actionId, steps, tasks } = observed.task;
    const t = tally('Task', actionId);
    const byKey = groupBy(tasks, (task) => task.key);
    for (const episode of applied(actionId)) {
      for (let step = 0; step < steps; step += 1) {
        const key = `${applyKey(actionId, episode.key)}-${step}`;
        const found = byKey.get(key) ?? [];
        byKey.delete(key);
        if (found.length === 0) {
          t.missing += 1;
          note(`Task: no Task ${key}${logged(actionId, episode.key)}`);
          continue;
        }
        t.duplicated += found.length - 1;
        if (found.length > 1) note(`Task: ${found.length} Tasks ${key}`);
        const open = found.filter((task) => task.open).length;
        if (!episode.active && open > 0) {
          t.missing += 1;
          note(`Task: ${key} still open after the exit (remove missing)${logged(actionId, episode.key, 'remove')}`);
        } else if (episode.active && open === 0) {
          t.duplicated += 1;
          note(`Task: ${key} closed while the episode is open`);
        }
      }
    }
    for (const [key, found] of byKey) {
      t.duplicated += found.length;
      note(`Task: ${found.length} Task(s) ${key} without an episode that asks for them`);
    }
  }

  // Outreach: per prospect, one sequence state per episode; the open episode's is active, the closed ones finished.
  let sharedProspects = 0;
  {
    const { actionId, prospects } = observed.outreach;
    const t = tally('Outreach_Sequence', actionId);
    const byRecord = groupBy(applied(actionId), (e) => e.recordId);
    const seen = new Set<string>();
    // A record's prospects judged together: its email may change between episodes (one prospect each), and an
    // episode enrolled on two prospects is one duplicated entry, not a state missing on one and fine on the other.
    for (const prospect of mergedByRecords(prospects)) {
      const eps = prospect.recordIds.flatMap((id) => byRecord.get(id) ?? []);
      prospect.recordIds.forEach((id) => seen.add(id));
      if (prospect.recordIds.length > 1) {
        sharedProspects += 1;
        continue;
      }
      const active = prospect.states.filter((s) => s.active).length;
      const finished = prospect.states.length - active;
      const wantActive = eps.filter((e) => e.active).length;
      const wantFinished = eps.length - wantActive;
      // Entries: one state per episode. Removes: the closed episodes' states finished (an extra state that was
      // finished too is the duplicate entry, not a second remove).
      const extraEntries = Math.max(0, prospect.states.length - eps.length);
      const extra = extraEntries + Math.max(0, finished - wantFinished - extraEntries);
      const lacking = Math.max(0, eps.length - prospect.states.length) + Math.max(0, wantFinished - finished);
      t.duplicated += extra;
      t.missing += lacking;
      if (extra + lacking > 0) {
        const last = eps.at(-1)?.key ?? '';
        note(
          `Outreach: ${prospect.count} prospect(s) of ${prospect.recordIds.join(',')} have ${active} active / ${finished} finished, ` +
            `episodes want ${wantActive} / ${wantFinished}${logged(actionId, last)}${logged(actionId, last, 'remove')}`,
        );
      }
    }
    for (const [recordId, eps] of byRecord) {
      if (seen.has(recordId)) continue;
      t.missing += eps.length + eps.filter((e) => !e.active).length;
      note(`Outreach: ${recordId} has ${eps.length} episode(s) and no prospect${logged(actionId, eps.at(-1)!.key)}`);
    }
  }

  // Webhook: per episode one `entered` event id, and one `exited` after its exit; a redelivery is one effect.
  {
    const { actionId, events } = observed.webhook;
    const t = tally('Webhook', actionId);
    const byEpisode = groupBy(events, (e) => `${e.episodeKey}:${e.event}`);
    const expect = (key: string, event: string) => {
      const found = byEpisode.get(`${key}:${event}`)?.length ?? 0;
      byEpisode.delete(`${key}:${event}`);
      if (found === 0) {
        t.missing += 1;
        note(`Webhook: no ${event} event for ${key}${logged(actionId, key, event === 'entered' ? 'apply' : 'remove')}`);
      } else if (found > 1) {
        t.duplicated += found - 1;
        note(`Webhook: ${found} ${event} events (distinct ids) for ${key}`);
      }
    };
    for (const episode of applied(actionId)) {
      expect(episode.key, 'entered');
      if (!episode.active) expect(episode.key, 'exited');
    }
    for (const [key, found] of byEpisode) {
      t.duplicated += found.length;
      note(`Webhook: ${found.length} event(s) ${key} without an episode that asks for them`);
    }
  }

  return {
    actions: tallies,
    duplicated: tallies.reduce((sum, t) => sum + t.duplicated, 0),
    missing: tallies.reduce((sum, t) => sum + t.missing, 0),
    sharedProspects,
    examples,
  };
}

/** Prospects with the same records (one record's emails over time) as one, with all their states. */
function mergedByRecords(prospects: ObservedEffects['outreach']['prospects']) {
  const merged = new Map<string, { recordIds: readonly string[]; states: { active: boolean }[]; count: number }>();
  for (const prospect of prospects) {
    const key = prospect.recordIds.join(',');
    const into = merged.get(key) ?? { recordIds: prospect.recordIds, states: [], count: 0 };
    into.states.push(...prospect.states);
    into.count += 1;
    merged.set(key, into);
  }
  return [...merged.values()];
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}
