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

  it('expects no effect for a Skipped application, and counts one made anyway', () => {
    const observed = exact();
    const tally = tallyEffects(EPISODES, {
      ...observed,
      skippedApplies: new Set(['aW-aud-bob-1-apply', 'aO-aud-bob-1-apply']),
      outreach: { ...observed.outreach, prospects: observed.outreach.prospects.slice(0, 1) },
    });
    const webhook = tally.actions.find((a) => a.action === 'Webhook');
    expect(webhook).toMatchObject({ skipped: 1, expectedApplies: 2, duplicated: 2, missing: 0 });
    expect(tally.actions.find((a) => a.action === 'Outreach_Sequence')).toMatchObject({ duplicated: 0, missing: 0 });
  });

  it('leaves a prospect shared by several records out of the judging and says so', () => {
    const observed = exact();
    const tally = tallyEffects(EPISODES, {
      ...observed,
      outreach: { ...observed.outreach, prospects: [{ recordIds: ['ada', 'bob'], states: [{ active: true }] }] },
    });
    expect(tally.sharedProspects).toBe(1);
    expect(tally.missing).toBe(0);
  });

  it('judges skips only of records that never shared an email (their skips follow timing, not faults)', () => {
    const tally = tallyEffects(EPISODES, {
      ...exact(),
      skippedApplies: new Set(['aO-aud-bob-1-apply', 'aO-aud-ada-2-apply']),
      sharedEmailRecords: new Set(['bob']),
      logs: new Map([['aO-aud-ada-2-apply', 'Skipped: no_email']]),
    });
    expect(tally.actions.find((a) => a.action === 'Outreach_Sequence')).toMatchObject({
      skipped: 2,
      skippedJudged: 1,
      judgedSkips: [{ recordId: 'ada', log: 'Skipped: no_email' }],
    });
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
