export interface EmulatorCounters {
  total: number;
  byRoute: Record<string, number>;
  byUser: Record<string, number>;
  apiUsed: number;
}

export interface FaultSettings {
  latencyMs?: number;
  errorRate?: { route: string; status: 500 | 503; rate: number }[];
  lockRowRate?: number;
  expireSessions?: boolean;
}

export interface StreamingFaults {
  unknownClient?: boolean;
  dropLongPolls?: number;
  inject?:
    | { changeType: string; entityName: string; recordIds?: string[]; changedFields?: string[] }
    | { raw: Record<string, unknown>; channel?: string };
}

/** The emulator's `/__emulator` control endpoint: faults, counters, clock. */
export class EmulatorControl {
  constructor(private readonly instanceUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.instanceUrl}/__emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  counters(): Promise<EmulatorCounters> {
    return this.call('GET', '/counters');
  }

  resetCounters(): Promise<EmulatorCounters> {
    return this.call('POST', '/counters/reset');
  }

  setFaults(faults: FaultSettings): Promise<unknown> {
    return this.call('POST', '/faults', faults);
  }

  clearFaults(): Promise<unknown> {
    return this.call('DELETE', '/faults');
  }

  /** Sets the per-call latency again after a clear (DELETE /faults resets it too). */
  async latency(ms: number): Promise<void> {
    await this.setFaults({ latencyMs: ms });
  }

  streamingFaults(faults: StreamingFaults): Promise<unknown> {
    return this.call('POST', '/streaming/faults', faults);
  }

  streamingState(): Promise<Record<string, unknown>> {
    return this.call('GET', '/streaming/state');
  }

  /** A new access token for a user of that role (after `expireSessions` the standing ones are dead). */
  async token(role: string): Promise<string> {
    return (await this.call<{ accessToken: string }>('POST', '/tokens', { role })).accessToken;
  }

  advanceClock(ms: number): Promise<unknown> {
    return this.call('POST', '/clock/advance', { ms });
  }
}
