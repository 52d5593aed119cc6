import type { Logger } from '../../lib/logger';
import { finishedRunStatus } from '../../pipeline/runs/run-status';
import type { RunRecordWriter } from '../../pipeline/runs/run-record-writer';
import type { RunStatus } from '../../pipeline/runs/run-recorder';
import type { FireOutcome } from '../signal-firing';
import type { LoadedSignalRule } from '../signal-rule';

/** How a detector run ended: every record looked at, or stopped early (budget) with the reason. */
export interface DetectorRunEnd {
  status: RunStatus;
  message: string;
}

/**
 * One detector run as an `Audience_Run__c` of type Signal, linked to its rule: records checked, signals fired,
 * credits spent and, per record that could not be read, the reason (an HTML job board, a 404…). Failing to write
 * the run record never fails the run.
 */
export class DetectorRun {
  checked = 0;
  fired = 0;
  duplicates = 0;
  failed = 0;
  skipped = 0;
  credits = 0;
  readonly creditsByProvider: Record<string, number> = {};
  readonly skipsByReason: Record<string, number> = {};
  private readonly errors: string[] = [];

  private constructor(
    private readonly writer: RunRecordWriter,
    readonly id: string | undefined,
  ) {}

  static async start(writer: RunRecordWriter, logger: Logger, rule: LoadedSignalRule): Promise<DetectorRun> {
    try {
      const id = await writer.create({
        Type__c: 'Signal',
        Status__c: 'Running',
        Status_Message__c: `${rule.type} detector: ${rule.name}`,
        Audience_Signal_Rule__c: rule.id,
        Processed__c: 0,
        Succeeded__c: 0,
        Failed__c: 0,
        Skipped__c: 0,
        Started_At__c: new Date().toISOString(),
      });
      return new DetectorRun(writer, id);
    } catch (error) {
      logger.error({ err: error, ruleId: rule.id }, 'could not create the detector run record; the run goes on');
      return new DetectorRun(writer, undefined);
    }
  }

  /** A record whose source could not be read: counted and named in Error_Summary__c; the run goes on. */
  recordFailure(recordId: string, code: string, message: string): void {
    this.failed += 1;
    this.errors.push(`${recordId}: ${code}: ${message}`);
  }

  skip(reason: string): void {
    this.skipped += 1;
    this.skipsByReason[reason] = (this.skipsByReason[reason] ?? 0) + 1;
  }

  spend(provider: string, credits: number): void {
    if (credits <= 0) return;
    this.credits += credits;
    this.creditsByProvider[provider] = (this.creditsByProvider[provider] ?? 0) + credits;
  }

  /** Counts what firing came to; a failed firing is a failed record. */
  outcome(recordId: string, outcome: FireOutcome): void {
    if (outcome.status === 'fired') this.fired += 1;
    else if (outcome.status === 'duplicate') this.duplicates += 1;
    else this.recordFailure(recordId, 'SIGNAL_FIRE_FAILED', outcome.message);
  }

  /** The end of a run that looked at every record it meant to. */
  completed(): DetectorRunEnd {
    // `checked` counts the records read fine; a record that could not be read is in `failed` only.
    const status = finishedRunStatus({ succeeded: this.checked, failed: this.failed });
    const message =
      `checked ${this.checked}, fired ${this.fired}` +
      (this.duplicates > 0 ? `, ${this.duplicates} already fired` : '') +
      (this.failed > 0 ? `, ${this.failed} could not be read (see Error Summary)` : '');
    return { status: this.checked === 0 && this.failed === 0 ? 'Succeeded' : status, message };
  }

  async finish(end: DetectorRunEnd): Promise<void> {
    if (!this.id) return;
    await this.writer.update(this.id, {
      Status__c: end.status,
      Status_Message__c: end.message,
      Processed__c: this.checked,
      Succeeded__c: this.fired,
      Failed__c: this.failed,
      Skipped__c: this.skipped,
      Credits_Used__c: this.credits,
      ...(Object.keys(this.creditsByProvider).length > 0 && {
        Credits_By_Provider__c: JSON.stringify(this.creditsByProvider),
      }),
      ...(Object.keys(this.skipsByReason).length > 0 && { Skips_By_Reason__c: JSON.stringify(this.skipsByReason) }),
      ...(this.errors.length > 0 && { Error_Summary__c: this.errors.join('\n') }),
      Finished_At__c: new Date().toISOString(),
    });
  }
}
