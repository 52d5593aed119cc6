import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoopObservers } from '../../src/pipeline/loop-observers';
import type { MembershipEvent } from '../../src/pipeline/segments/membership/membership-event';
import type { Loop } from '../../src/runtime/compose';
import { ChangeNarrator } from '../../src/sandbox/change-narrator';

const grace = {
  id: '003000000000001AAA',
  object: 'Contact' as const,
  fields: { FirstName: 'Grace', LastName: 'Brown', Title: 'Sales Intern' },
};

function fakeLoop() {
  const observers = new LoopObservers();
  const listeners: ((events: MembershipEvent[]) => Promise<void>)[] = [];
  const loop = {
    observers,
    fanout: { listen: (l: (events: MembershipEvent[]) => Promise<void>) => listeners.push(l) },
    config: { current: { audiences: [{ id: 'a01', name: 'Senior decision makers' }] } },
    mirror: { get: async () => grace },
  } as unknown as Loop;
  return { loop, observers, emit: (events: MembershipEvent[]) => Promise.all(listeners.map((l) => l(events))) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ChangeNarrator (sandbox)', () => {
  it("tells a record's change, our write under its rule and the audience it left in one line", async () => {
    vi.useFakeTimers();
    const { loop, observers, emit } = fakeLoop();
    const lines: string[] = [];
    const narrator = new ChangeNarrator(loop, (line) => lines.push(line));
    narrator.follow();
    observers.changed({
      record: grace,
      changes: { Title: 'Sales Intern', LastModifiedDate: '2026-12-05T11:32:46.000Z' },
    });
    observers.wrote([
      {
        record: grace,
        changes: [
          { field: 'Seniority__c', attribute: 'person.seniority', rule: 'Tracked', before: 'C-Level', after: 'Entry' },
        ],
      },
    ]);
    await emit([{ kind: 'exit', audienceId: 'a01', object: 'Contact', recordId: grace.id, episodeKey: 'k', at: '' }]);
    expect(lines).toEqual([]);
    await vi.runAllTimersAsync();
    expect(lines).toEqual([
      "Contact Grace Brown: Title → Sales Intern; Seniority__c C-Level → Entry (Tracked); left 'Senior decision makers'",
    ]);
  });

  it('says nothing about the initial import (before follow)', async () => {
    vi.useFakeTimers();
    const { loop, observers } = fakeLoop();
    const lines: string[] = [];
    new ChangeNarrator(loop, (line) => lines.push(line));
    observers.changed({ record: grace, changes: { Title: 'CTO' } });
    await vi.runAllTimersAsync();
    expect(lines).toEqual([]);
  });

  it('tells each action outcome in one line', async () => {
    const { loop, observers } = fakeLoop();
    const lines: string[] = [];
    const narrator = new ChangeNarrator(loop, (line) => lines.push(line));
    narrator.follow();
    observers.acted({
      key: 'k',
      action: { type: 'Task', name: 'Owner cadence', object: 'Contact' } as never,
      operation: 'apply',
      recordId: grace.id,
      status: 'Succeeded',
      message: '2 tasks',
    });
    await vi.waitFor(() =>
      expect(lines).toEqual(["Task action 'Owner cadence' applied for Contact Grace Brown: Succeeded (2 tasks)"]),
    );
  });
});
