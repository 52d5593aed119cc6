/** How one `POST /hooks/signals/:slug` ended: the label of its count in /metrics, and the status the sender gets. */
export const INBOUND_SIGNAL_OUTCOMES = {
  accepted: 202,
  duplicate: 202,
  unknown_record: 202,
  too_large: 413,
  unauthorized: 401,
  unknown_slug: 404,
  invalid_body: 400,
  not_configured: 503,
  not_ready: 503,
  retry_later: 503,
  refused: 422,
} as const;
export type InboundSignalOutcome = keyof typeof INBOUND_SIGNAL_OUTCOMES;

/** Counts every request by outcome, and the signals that named no record by reason (`/metrics`). */
export interface InboundSignalCounters {
  request(outcome: InboundSignalOutcome): void;
  unknownRecord(reason: string): void;
}

/** What the route sends back: the status and a small JSON body that never echoes what was posted. */
export interface InboundSignalReply {
  outcome: InboundSignalOutcome;
  status: number;
  body: Record<string, unknown>;
  /** Seconds, for 503s: when the sender may try again. */
  retryAfter?: number;
}

export function reply(outcome: InboundSignalOutcome, body: Record<string, unknown> = {}): InboundSignalReply {
  const status = INBOUND_SIGNAL_OUTCOMES[outcome];
  return { outcome, status, body: { status: outcome, ...body }, ...(status === 503 && { retryAfter: 30 }) };
}
