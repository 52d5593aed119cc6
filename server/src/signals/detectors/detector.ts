import type { ApiBudgetGovernor } from '../../salesforce/budget/api-budget-governor';
import type { SignalSink } from '../signal-firing';
import type { LoadedSignalRule, SignalType } from '../signal-rule';
import type { DetectorRun, DetectorRunEnd } from './detector-run';

/** Why a run stops before it has looked at every record, said on the run record. */
export type DetectorStop = { status: 'Paused' | 'Cancelled'; message: string };

/** What a detector gets for one run: where firings go, the run it counts into, and whether it may go on. */
export interface DetectorRunContext {
  sink: SignalSink;
  run: DetectorRun;
  /** Asked before each record: undefined to go on, or why to stop now (API budget at its pause level…). */
  shouldStop(): DetectorStop | undefined;
  now(): Date;
}

/** A scheduled detector of one signal type (Hiring_Surge, Funding_Round, Job_Change). */
export interface SignalDetector<T extends SignalType = SignalType> {
  readonly type: T;
  /** Looks at the rule's records once; returns how the run ended (the caller writes the run record). */
  detect(rule: Extract<LoadedSignalRule, { type: T }>, context: DetectorRunContext): Promise<DetectorRunEnd>;
}

/** Background work waits while the API budget is at its pause level (or beyond); said in the run's message. */
export function budgetStop(governor: ApiBudgetGovernor): DetectorStop | undefined {
  if (governor.allows('background')) return undefined;
  const reading = governor.reading;
  const usage = reading ? ` (${reading.used}/${reading.max} API calls used)` : '';
  return {
    status: 'Paused',
    message: `Salesforce API budget ${governor.state}${usage}; the detector waits for its next scheduled run`,
  };
}
