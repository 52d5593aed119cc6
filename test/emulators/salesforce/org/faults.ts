import { normalizeId } from './ids';

/** Fault switches set through the control endpoint. */
export type FaultRoute = 'collections' | 'composite' | 'query' | 'sobject' | 'limits' | 'describe' | 'bulk2' | '*';

export interface ErrorRateFault {
  route: FaultRoute;
  status: 500 | 503;
  rate: number;
}

export interface FaultState {
  latencyMs: number;
  errorRates: ErrorRateFault[];
  lockRowRate: number;
  /** Record ids (18 characters) whose next N writes answer UNABLE_TO_LOCK_ROW, whatever the rate. */
  lockedRecords: Record<string, number>;
  requestLimitExceeded: boolean;
}

export class Faults {
  state: FaultState = Faults.none();
  private seed = 0x2f6b3a1d;

  static none(): FaultState {
    return { latencyMs: 0, errorRates: [], lockRowRate: 0, lockedRecords: {}, requestLimitExceeded: false };
  }

  reset(): void {
    this.state = Faults.none();
  }

  /** Deterministic pseudo-random in [0, 1) (mulberry32), so fault runs repeat. */
  random(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** The injected HTTP status for this call, if any. */
  errorFor(route: string): number | undefined {
    for (const f of this.state.errorRates) {
      if ((f.route === '*' || f.route === route) && this.random() < f.rate) return f.status;
    }
    return undefined;
  }

  /** Whether this write of `id` (when the route knows it) meets a locked row: a targeted lock first, then the rate. */
  lockRow(id?: string): boolean {
    const key = id === undefined ? undefined : (normalizeId(id) ?? id);
    const left = key === undefined ? 0 : (this.state.lockedRecords[key] ?? 0);
    if (key !== undefined && left > 0) {
      if (left === 1) delete this.state.lockedRecords[key];
      else this.state.lockedRecords[key] = left - 1;
      return true;
    }
    return this.state.lockRowRate > 0 && this.random() < this.state.lockRowRate;
  }
}
