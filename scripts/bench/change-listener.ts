import { Connection } from 'jsforce';
import { StreamingExtension } from 'jsforce/api/streaming';

export interface SeenChange {
  recordIds: string[];
  commitUser: string;
  commitTimestamp: number;
  /**
   * When this listener received the event (ms). Commit stamps are whole seconds, as a real org's are; latencies are
   * taken between receipts, which both travel the same CometD path, so they keep millisecond resolution.
   */
  receivedAt: number;
  changeType: string;
  changedFields: string[];
}

interface ChangePayload {
  payload?: {
    ChangeEventHeader?: {
      recordIds?: string[];
      commitUser?: string;
      commitTimestamp?: number;
      changeType?: string;
      changedFields?: string[];
    };
  };
}

/** Follows `/data/ContactChangeEvent` as its own client, to time commits and write-backs on the org's clock. */
export class ChangeListener {
  readonly seen: SeenChange[] = [];
  private readonly client: ReturnType<Connection['streaming']['createClient']>;
  private readonly subscription: { cancel(): void } & PromiseLike<unknown>;

  constructor(instanceUrl: string, accessToken: string, channel = '/data/ContactChangeEvent') {
    const conn = new Connection({ instanceUrl, accessToken, version: '62.0' });
    this.client = conn.streaming.createClient([new StreamingExtension.Replay(channel, -1)]);
    this.subscription = this.client.subscribe(channel, (data: ChangePayload) => {
      const header = data.payload?.ChangeEventHeader;
      if (!header) return;
      this.seen.push({
        recordIds: header.recordIds ?? [],
        commitUser: header.commitUser ?? '',
        commitTimestamp: Number(header.commitTimestamp ?? 0),
        receivedAt: Date.now(),
        changeType: header.changeType ?? '',
        changedFields: header.changedFields ?? [],
      });
    }) as unknown as { cancel(): void } & PromiseLike<unknown>;
  }

  async ready(): Promise<void> {
    await this.subscription;
  }

  stop(): void {
    this.subscription.cancel();
    (this.client as unknown as { disconnect(): void }).disconnect();
  }
}
