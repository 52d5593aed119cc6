import type { WireMessage } from './wire-types';

/** A bare Bayeux-over-HTTP client for protocol tests: explicit messages, a one-cookie jar, no retries. */
export class BayeuxHttpClient {
  clientId: string | undefined;
  private cookies = new Map<string, string>();
  private nextId = 1;

  constructor(
    readonly endpoint: string,
    public token: string | undefined,
  ) {}

  async post(body: unknown, init: { keepCookies?: boolean } = {}): Promise<{ status: number; body: WireMessage[] }> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.token !== undefined) headers.Authorization = `OAuth ${this.token}`;
    if (init.keepCookies !== false && this.cookies.size > 0) {
      headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    const res = await fetch(this.endpoint, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    for (const setCookie of res.headers.getSetCookie()) {
      const [pair] = setCookie.split(';');
      const [k, ...v] = (pair ?? '').split('=');
      if (k) this.cookies.set(k.trim(), v.join('='));
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Non-JSON bodies are returned as text.
    }
    // Error bodies are not Bayeux arrays; tests that expect them only read the status or stringify the body.
    return { status: res.status, body: parsed as WireMessage[] };
  }

  id(): string {
    return String(this.nextId++);
  }

  async handshake(): Promise<WireMessage> {
    const { body } = await this.post([
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: this.id() },
    ]);
    const reply = body[0] ?? {};
    if (reply.successful) this.clientId = reply.clientId;
    return reply;
  }

  /** Sends one connect; resolves with every message of the reply (events first, connect reply last). */
  async connect(extra: Record<string, unknown> = {}): Promise<WireMessage[]> {
    const { body } = await this.post([
      { channel: '/meta/connect', clientId: this.clientId, connectionType: 'long-polling', id: this.id(), ...extra },
    ]);
    return body;
  }

  async subscribe(subscription: string, replay?: number | string): Promise<WireMessage> {
    const ext = replay === undefined ? undefined : { replay: { [subscription]: replay } };
    const { body } = await this.post([
      { channel: '/meta/subscribe', clientId: this.clientId, subscription, id: this.id(), ...(ext ? { ext } : {}) },
    ]);
    return body[0] ?? {};
  }

  async unsubscribe(subscription: string): Promise<WireMessage> {
    const { body } = await this.post([
      { channel: '/meta/unsubscribe', clientId: this.clientId, subscription, id: this.id() },
    ]);
    return body[0] ?? {};
  }

  async disconnect(): Promise<WireMessage | undefined> {
    if (!this.clientId) return undefined;
    const { body } = await this.post([{ channel: '/meta/disconnect', clientId: this.clientId, id: this.id() }]);
    this.clientId = undefined;
    return body[0] ?? {};
  }
}
