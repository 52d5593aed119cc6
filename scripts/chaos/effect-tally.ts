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

/** Why an application may be Skipped, each the state of the record that gives it (read from the log's message). */
export type SkipKind = 'no_email' | 'shared_email' | 'opted_out';

/** The log messages of the skips a record's history can allow (the targets' wording; anything else is never allowed). */
const SKIP_MESSAGES: readonly [SkipKind, RegExp][] = [
  ['no_email', /^Skipped: the record has no email address/],
  ['shared_email', /^Skipped: the prospect is already in sequence/],
  ['opted_out', /^Skipped: the record opted out of email/],
];

/** What was found in the org and the fakes, already attributed to episodes or records. */
export interface ObservedEffects {
  /** Application keys (`<actionId>-<episodeKey>-apply`) whose log says Skipped: no effect expected. */
  skippedApplies: ReadonlySet<string>;
  /**
   * Per record, the skips its own history allows: `no_email` when it had no email at some time in the run,
   * `shared_email` when an email it had was another record's too, `opted_out` when it had opted out. Which of those
   * states an application meets depends on timing, not on faults (an apply before or after the rep's edit that gave
   * the record its email), so each skip is judged against the record's history, not against another run's count:
   * a skip its history does not allow is a missing entry (and remove). A record not in the map may not be skipped.
   */
  allowedSkips?: ReadonlyMap<string, ReadonlySet<SkipKind>>;
  /** Every application's log row by key (`Status__c: Message__c`): a skip's reason, and what the log claims. */
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
  /** Skips the record's history does not allow (see `allowedSkips`); each is counted in `missing` too. */
  wrongSkips: number;
  duplicated: number;
  missing: number;
}

export interface EffectTally {
  actions: ActionTally[];
  duplicated: number;
  missing: number;
  /** Prospects whose email several records had (the seed's duplicate people), judged with those records together. */
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
    const t: ActionTally = {
      action,
      expectedApplies: wanted.length,
      expectedRemoves: wanted.filter((e) => !e.active).length,
      skipped: episodes.length - wanted.length,
      wrongSkips: 0,
      duplicated: 0,
      missing: 0,
    };
    // A skip stands only for a reason the record's own history gives; otherwise its effects are missing.
    for (const e of episodes) {
      if (!observed.skippedApplies.has(applyKey(actionId, e.key))) continue;
      const log = observed.logs?.get(applyKey(actionId, e.key)) ?? 'none';
      const kind = SKIP_MESSAGES.find(([, pattern]) => pattern.test(log))?.[0];
      if (kind && observed.allowedSkips?.get(e.recordId)?.has(kind)) continue;
      t.wrongSkips += 1;
      t.missing += e.active ? 1 : 2;
      note(`${action}: ${e.key} skipped for a reason its record's history does not allow [log: ${log}]`);
    }
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
    sharedProspects = prospects.filter((p) => p.recordIds.length > 1).length;
    // Prospects judged together with every record whose email they had: a record's email may change between
    // episodes (one prospect each), an episode enrolled on two prospects is one duplicated entry (not a state missing
    // on one and fine on the other), and records sharing an email share its prospect — the applications that were
    // not skipped ("already in the sequence") each want one state, whichever record's it is.
    for (const prospect of mergedByRecords(prospects)) {
      const eps = prospect.recordIds.flatMap((id) => byRecord.get(id) ?? []);
      prospect.recordIds.forEach((id) => seen.add(id));
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
        // Every episode's apply (and remove) log: with several records, which of them claims which state.
        const logs = eps.map(
          (e) => `${e.key}${logged(actionId, e.key)}${e.active ? '' : logged(actionId, e.key, 'remove')}`,
        );
        note(
          `Outreach: ${prospect.count} prospect(s) of ${prospect.recordIds.join(',')} have ${active} active / ${finished} finished, ` +
            `episodes want ${wantActive} / ${wantFinished}: ${logs.join('; ')}`,
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

/**
 * Prospects linked by a record (one record's emails over time, or one email several records had) as one group, with
 * all their records and states: the connected groups of the prospect–record graph.
 */
function mergedByRecords(prospects: ObservedEffects['outreach']['prospects']) {
  const groups: { recordIds: string[]; states: { active: boolean }[]; count: number }[] = [];
  const groupOf = new Map<string, (typeof groups)[number]>();
  for (const prospect of prospects) {
    const into = { recordIds: [...prospect.recordIds], states: [...prospect.states], count: 1 };
    for (const other of new Set(prospect.recordIds.flatMap((id) => groupOf.get(id) ?? []))) {
      into.recordIds.push(...other.recordIds);
      into.states.push(...other.states);
      into.count += other.count;
      groups.splice(groups.indexOf(other), 1);
    }
    into.recordIds = [...new Set(into.recordIds)].sort();
    groups.push(into);
    for (const id of into.recordIds) groupOf.set(id, into);
  }
  return groups;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}
