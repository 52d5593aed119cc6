import { describe, expect, it } from 'vitest';
import type { LoopConfig } from '../../src/config/loop-config';
import type { FieldValue, MirrorRecord } from '../../src/domain/mirror-record';
import { createLogger } from '../../src/lib/logger';
import {
  FieldThresholdWatcher,
  isPast,
  thresholdFieldsFor,
  type ThresholdJob,
} from '../../src/signals/field-threshold-watcher';
import type { FireOutcome, SignalFiring, SignalSink } from '../../src/signals/signal-firing';
import type { LoadedSignalRule } from '../../src/signals/signal-rule';

const CONTACT = '003000000000001AAA';

function thresholdRule(settings: { field: string; op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq'; value: number | string }) {
  return {
    id: 'a0R000000000001AAA',
    name: 'Hot lead',
    type: 'Field_Threshold',
    object: 'Contact',
    settings,
    notifyOwner: false,
  } as LoadedSignalRule;
}

function configWith(rules: LoadedSignalRule[]): LoopConfig {
  return {
    sources: [],
    audiences: [],
    fieldMaps: [],
    actionAudienceIds: [],
    actions: [],
    signalRules: rules,
    problems: [],
    loadedAt: new Date(0).toISOString(),
  };
}

/** A sink that records what it is given and answers as the firer would (one signal per key-worthy identity). */
class RecordingSink implements SignalSink {
  readonly firings: SignalFiring[] = [];
  async fire(firing: SignalFiring): Promise<FireOutcome> {
    this.firings.push(firing);
    return { status: 'fired', signalId: `sig-${this.firings.length}`, key: firing.identity };
  }
}

function watcher(rules: LoadedSignalRule[]) {
  const sink = new RecordingSink();
  const logger = createLogger({ level: 'silent' });
  const queued: { data: ThresholdJob; jobId: string }[] = [];
  const queue = {
    add: async (_name: 'threshold', data: ThresholdJob, options: { jobId: string }) => {
      queued.push({ data, jobId: options.jobId });
    },
  };
  const w = new FieldThresholdWatcher({ config: () => configWith(rules), sink, queue, logger, now: () => 1_234 });
  /** What the signals worker does with the queued jobs. */
  const runQueued = async () => {
    for (const job of queued.splice(0)) await w.runJob(job.data);
  };
  return { sink, queued, runQueued, watcher: w };
}

const record = (fields: Record<string, FieldValue>): MirrorRecord => ({ id: CONTACT, object: 'Contact', fields });

describe('Field_Threshold: past the value', () => {
  it('compares numbers, numeric text and ISO dates by each operator; a blank is never past', () => {
    expect(isPast({ field: 'S', op: 'gte', value: 80 }, 80)).toBe(true);
    expect(isPast({ field: 'S', op: 'gt', value: 80 }, 80)).toBe(false);
    expect(isPast({ field: 'S', op: 'gt', value: 80 }, '81')).toBe(true);
    expect(isPast({ field: 'S', op: 'lt', value: 10 }, 9)).toBe(true);
    expect(isPast({ field: 'S', op: 'lte', value: 10 }, 11)).toBe(false);
    expect(isPast({ field: 'S', op: 'eq', value: 5 }, '5')).toBe(true);
    expect(isPast({ field: 'S', op: 'eq', value: 'Hot' }, 'Hot')).toBe(true);
    expect(isPast({ field: 'D', op: 'gte', value: '2026-01-01' }, '2026-02-01')).toBe(true);
    expect(isPast({ field: 'D', op: 'gte', value: '2026-01-01' }, '2025-12-31T23:00:00.000Z')).toBe(false);
    expect(isPast({ field: 'S', op: 'lt', value: 10 }, null)).toBe(false);
    expect(isPast({ field: 'S', op: 'lt', value: 10 }, '')).toBe(false);
  });
});

describe('Field_Threshold: the watcher fires on a crossing only', () => {
  const rule = thresholdRule({ field: 'Contact_Score__c', op: 'gte', value: 80 });

  it('keeps the watched field in the mirror while the rule is active', () => {
    expect(thresholdFieldsFor(configWith([rule]), 'Contact')).toEqual(['Contact_Score__c']);
    expect(thresholdFieldsFor(configWith([rule]), 'Lead')).toEqual([]);
  });

  it('when the value goes from below to past it, then one crossing is queued and fired, named by the field, the new value and the change time', async () => {
    const { sink, queued, runQueued, watcher: w } = watcher([rule]);
    expect(w.watches('Contact', ['Contact_Score__c'])).toBe(true);
    expect(w.watches('Contact', ['Title'])).toBe(false);
    await w.check({
      object: 'Contact',
      before: record({ Contact_Score__c: 70 }),
      changes: { Contact_Score__c: 85 },
      commitTimestamp: 1_700_000_000_000,
    });
    expect(queued.map((q) => q.jobId)).toEqual([`threshold-${rule.id}-${CONTACT}-1700000000000`]);
    expect(sink.firings).toEqual([]);
    await runQueued();
    expect(sink.firings).toHaveLength(1);
    const [firing] = sink.firings;
    expect(firing).toMatchObject({
      object: 'Contact',
      recordId: CONTACT,
      confidence: 1,
      occurredAt: new Date(1_700_000_000_000).toISOString(),
      evidence: {
        field: 'Contact_Score__c',
        previous: 70,
        value: 85,
        threshold: 80,
        op: 'gte',
        source: 'change data capture',
      },
    });
    expect(firing!.identity).toBe('Contact_Score__c|85|1700000000000');
  });

  it('when the value stays past it, drops back, or the previous value is unknown, then nothing is queued', async () => {
    const { queued, watcher: w } = watcher([rule]);
    const change = (before: Record<string, FieldValue>, next: FieldValue) =>
      w.check({ object: 'Contact', before: record(before), changes: { Contact_Score__c: next }, commitTimestamp: 1 });
    await change({ Contact_Score__c: 85 }, 90);
    await change({ Contact_Score__c: 90 }, 50);
    await change({}, 95); // the mirror never held the field: no previous value, no crossing
    expect(queued).toEqual([]);
    await change({ Contact_Score__c: null }, 95); // blank before: it was not past the value
    expect(queued).toHaveLength(1);
  });

  it('the same change event makes the same job id and identity; the same crossing at another time makes others', async () => {
    const { sink, queued, runQueued, watcher: w } = watcher([rule]);
    const cross = (at: number) =>
      w.check({
        object: 'Contact',
        before: record({ Contact_Score__c: 10 }),
        changes: { Contact_Score__c: 85 },
        commitTimestamp: at,
      });
    await cross(1);
    await cross(1);
    await cross(2);
    const [jobA, jobB, jobC] = queued.map((q) => q.jobId);
    expect(jobA).toBe(jobB);
    expect(jobC).not.toBe(jobA);
    await runQueued();
    const [a, b, c] = sink.firings.map((f) => f.identity);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("when the loop's own write crosses (its change event is an echo), then one job is queued and firing it fires", async () => {
    const { sink, queued, watcher: w } = watcher([rule]);
    const write = (before: FieldValue, after: FieldValue) => ({
      record: record({ Contact_Score__c: after }),
      changes: [
        {
          field: 'Contact_Score__c',
          attribute: 'company.employee_count' as const,
          rule: 'Always' as const,
          before,
          after,
        },
      ],
    });
    await w.queueOwnWrites([write(70, 85), write(85, 90), write(90, 40)]);
    expect(queued).toHaveLength(1);
    expect(queued[0]!.jobId).toBe(`threshold-${rule.id}-${CONTACT}-1234`);
    expect(sink.firings).toEqual([]);
    expect(await w.runJob(queued[0]!.data)).toEqual({ status: 'fired' });
    expect(sink.firings[0]).toMatchObject({
      identity: 'Contact_Score__c|85|1234',
      evidence: { previous: 70, value: 85, source: 'written by the loop' },
    });
  });

  it("when a queued crossing's rule was deactivated meanwhile, then the job completes without firing", async () => {
    const { sink, watcher: w } = watcher([]);
    const job = { ruleId: rule.id, object: 'Contact', recordId: CONTACT, previous: 1, value: 99, at: 5, source: 'cdc' };
    expect(await w.runJob(job)).toEqual({ status: 'rule inactive' });
    expect(sink.firings).toEqual([]);
  });
});
