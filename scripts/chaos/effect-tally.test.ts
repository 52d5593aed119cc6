import { describe, expect, it } from 'vitest';
import { tallyEffects, type Episode, type ObservedEffects } from './effect-tally';

const A = { campaign: 'aC', task: 'aT', outreach: 'aO', webhook: 'aW' };
// Ada: entered, left, entered again (episode 2 open); Bob: entered and left.
const EPISODES: Episode[] = [
  { key: 'aud-ada-1', recordId: 'ada', active: false },
  { key: 'aud-ada-2', recordId: 'ada', active: true },
  { key: 'aud-bob-1', recordId: 'bob', active: false },
];

function exact(): ObservedEffects {
  const taskKeys = EPISODES.flatMap((e) => [0, 1].map((s) => ({ key: `aT-${e.key}-apply-${s}`, open: e.active })));
  return {
    skippedApplies: new Set(),
    campaign: { actionId: A.campaign, memberContactIds: ['ada'] },
    task: { actionId: A.task, steps: 2, tasks: taskKeys },
    outreach: {
      actionId: A.outreach,
      prospects: [
        { recordIds: ['ada'], states: [{ active: false }, { active: true }] },
        { recordIds: ['bob'], states: [{ active: false }] },
      ],
    },
    webhook: {
      actionId: A.webhook,
      events: [
        { event: 'entered', episodeKey: 'aud-ada-1' },
        { event: 'exited', episodeKey: 'aud-ada-1' },
        { event: 'entered', episodeKey: 'aud-ada-2' },
        { event: 'entered', episodeKey: 'aud-bob-1' },
        { event: 'exited', episodeKey: 'aud-bob-1' },
      ],
    },
  };
}

describe('tallyEffects (chaos: effects per membership episode)', () => {
  it('finds nothing wrong when every episode has exactly its entry and, once closed, its remove', () => {
    const tally = tallyEffects(EPISODES, exact());
    expect(tally.examples).toEqual([]);
    expect([tally.duplicated, tally.missing]).toEqual([0, 0]);
    expect(tally.actions.map((a) => [a.action, a.expectedApplies, a.expectedRemoves])).toEqual([
      ['Campaign', 3, 2],
      ['Task', 3, 2],
      ['Outreach_Sequence', 3, 2],
      ['Webhook', 3, 2],
    ]);
  });

  it('counts a second Task for one step, a second sequence state and a second webhook event id as duplicates', () => {
    const observed = exact();
    const tally = tallyEffects(EPISODES, {
      ...observed,
      task: { ...observed.task, tasks: [...observed.task.tasks, { key: 'aT-aud-ada-2-apply-0', open: true }] },
      outreach: {
        ...observed.outreach,
        prospects: [
          { recordIds: ['ada'], states: [{ active: false }, { active: false }, { active: true }] },
          { recordIds: ['bob'], states: [{ active: false }] },
        ],
      },
      webhook: {
        ...observed.webhook,
        events: [...observed.webhook.events, { event: 'entered', episodeKey: 'aud-bob-1' }],
      },
    });
    expect(tally.actions.map((a) => [a.action, a.duplicated, a.missing])).toEqual([
      ['Campaign', 0, 0],
      ['Task', 1, 0],
      ['Outreach_Sequence', 1, 0],
      ['Webhook', 1, 0],
    ]);
  });

  it('counts an entry never applied and a remove never made as missing', () => {
    const observed = exact();
    const tally = tallyEffects(EPISODES, {
      ...observed,
      campaign: { ...observed.campaign, memberContactIds: ['ada', 'bob'] },
      task: {
        ...observed.task,
        tasks: observed.task.tasks.filter((t) => t.key !== 'aT-aud-ada-2-apply-1'),
      },
      outreach: {
        ...observed.outreach,
        prospects: [
          { recordIds: ['ada'], states: [{ active: false }, { active: true }] },
          { recordIds: ['bob'], states: [{ active: true }] },
        ],
      },
      webhook: {
        ...observed.webhook,
        events: observed.webhook.events.filter((e) => !(e.event === 'exited' && e.episodeKey === 'aud-ada-1')),
      },
    });
    expect(tally.actions.map((a) => [a.action, a.duplicated, a.missing])).toEqual([
      ['Campaign', 0, 1],
      ['Task', 0, 1],
      ['Outreach_Sequence', 0, 1],
      ['Webhook', 0, 1],
    ]);
    expect(tally.examples.join('\n')).toContain('bob left the audience and is still a campaign member');
  });

  it('expects no effect for a Skipped application its record’s history allows, and counts one made anyway', () => {
    const observed = exact();
    const tally = tallyEffects(EPISODES, {
      ...observed,
      skippedApplies: new Set(['aW-aud-bob-1-apply', 'aO-aud-bob-1-apply']),
      allowedSkips: new Map([['bob', new Set(['no_email'] as const)]]),
      logs: new Map([
        ['aW-aud-bob-1-apply', 'Skipped: the record has no email address'],
        ['aO-aud-bob-1-apply', 'Skipped: the record has no email address'],
      ]),
      outreach: { ...observed.outreach, prospects: observed.outreach.prospects.slice(0, 1) },
    });
    const webhook = tally.actions.find((a) => a.action === 'Webhook');
    expect(webhook).toMatchObject({ skipped: 1, wrongSkips: 0, expectedApplies: 2, duplicated: 2, missing: 0 });
    expect(tally.actions.find((a) => a.action === 'Outreach_Sequence')).toMatchObject({ duplicated: 0, missing: 0 });
  });

  it('judges each skip against its record’s own history: a reason the record never gave is a missing entry and remove', () => {
    // Ada had no email before the rep's edit gave her one: whether her apply ran before or after it is timing, so
    // either outcome stands. Bob always had his own email: a no-email or already-enrolled skip of his is a loss.
    const observed = exact();
    const judged = (bobsLog: string, allowedForBob: ('no_email' | 'shared_email')[]) =>
      tallyEffects(EPISODES, {
        ...observed,
        skippedApplies: new Set(['aO-aud-ada-2-apply', 'aO-aud-bob-1-apply']),
        allowedSkips: new Map([
          ['ada', new Set(['no_email'] as const)],
          ['bob', new Set(allowedForBob)],
        ]),
        logs: new Map([
          ['aO-aud-ada-2-apply', 'Skipped: the record has no email address'],
          ['aO-aud-bob-1-apply', bobsLog],
        ]),
        outreach: {
          ...observed.outreach,
          prospects: [{ recordIds: ['ada'], states: [{ active: false }] }],
        },
      }).actions.find((a) => a.action === 'Outreach_Sequence');
    expect(judged('Skipped: the record has no email address', ['no_email'])).toMatchObject({
      skipped: 2,
      wrongSkips: 0,
      missing: 0,
    });
    expect(judged('Skipped: the record has no email address', [])).toMatchObject({ wrongSkips: 1, missing: 2 });
    const inSequence = 'Skipped: the prospect is already in sequence 1 (state 7)';
    expect(judged(inSequence, ['no_email'])).toMatchObject({ wrongSkips: 1, missing: 2 });
    expect(judged(inSequence, ['shared_email'])).toMatchObject({ wrongSkips: 0, missing: 0 });
    // A skip whose log gives no reason the history can allow (or no log at all) never stands.
    expect(judged('Skipped: the record is no longer imported', ['no_email', 'shared_email'])).toMatchObject({
      wrongSkips: 1,
    });
  });

  it('judges a prospect several records share with all of them: one state per application not skipped', () => {
    const observed = exact();
    // Ada and Bob had one email at some time: Ada's second entry enrolled the shared prospect, Bob's was skipped
    // ("already in the sequence"); that prospect holds Ada's open state, her first prospect her finished one.
    const shared = {
      ...observed,
      skippedApplies: new Set(['aO-aud-bob-1-apply']),
      allowedSkips: new Map([['bob', new Set(['shared_email'] as const)]]),
      logs: new Map([['aO-aud-bob-1-apply', 'Skipped: the prospect is already in sequence 1 (state 7)']]),
    };
    const fine = tallyEffects(EPISODES, {
      ...shared,
      outreach: {
        actionId: A.outreach,
        prospects: [
          { recordIds: ['ada'], states: [{ active: false }] },
          { recordIds: ['ada', 'bob'], states: [{ active: true }] },
        ],
      },
    });
    expect(fine.sharedProspects).toBe(1);
    expect(fine.actions.find((a) => a.action === 'Outreach_Sequence')).toMatchObject({ duplicated: 0, missing: 0 });
    // The shared prospect enrolled twice for them (a second active state): a duplicate, no longer left unjudged.
    const twice = tallyEffects(EPISODES, {
      ...shared,
      outreach: {
        actionId: A.outreach,
        prospects: [
          { recordIds: ['ada'], states: [{ active: false }] },
          { recordIds: ['ada', 'bob'], states: [{ active: true }, { active: true }] },
        ],
      },
    });
    expect(twice.actions.find((a) => a.action === 'Outreach_Sequence')).toMatchObject({ duplicated: 1, missing: 0 });
    // And with no state at all for Ada's open episode: missing.
    const none = tallyEffects(EPISODES, {
      ...shared,
      outreach: {
        actionId: A.outreach,
        prospects: [
          { recordIds: ['ada'], states: [{ active: false }] },
          { recordIds: ['ada', 'bob'], states: [] },
        ],
      },
    });
    expect(none.actions.find((a) => a.action === 'Outreach_Sequence')).toMatchObject({ duplicated: 0, missing: 1 });
  });

  it('judges a record’s prospects together: a re-entry under a new email is fine, one episode on two prospects is a duplicate', () => {
    // Ada re-entered after a rep changed her email: her two episodes' states are on two prospects.
    const moved = tallyEffects(EPISODES, {
      ...exact(),
      outreach: {
        actionId: A.outreach,
        prospects: [
          { recordIds: ['ada'], states: [{ active: false }] },
          { recordIds: ['ada'], states: [{ active: true }] },
          { recordIds: ['bob'], states: [{ active: false }] },
        ],
      },
    });
    expect(moved.actions.find((a) => a.action === 'Outreach_Sequence')).toMatchObject({ duplicated: 0, missing: 0 });
    // Bob's one episode enrolled on two prospects (a retry after his email changed), one finished by his exit.
    const twice = tallyEffects(EPISODES, {
      ...exact(),
      outreach: {
        actionId: A.outreach,
        prospects: [
          { recordIds: ['ada'], states: [{ active: false }, { active: true }] },
          { recordIds: ['bob'], states: [{ active: true }] },
          { recordIds: ['bob'], states: [{ active: false }] },
        ],
      },
    });
    expect(twice.actions.find((a) => a.action === 'Outreach_Sequence')).toMatchObject({ duplicated: 1 });
    expect(twice.examples.join('\n')).toContain('2 prospect(s) of bob have 1 active / 1 finished');
  });
});
