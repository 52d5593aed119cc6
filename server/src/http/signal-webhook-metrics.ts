import { Counter, type Registry } from 'prom-client';
import type { InboundSignalCounters } from '../signals/inbound/inbound-signal-outcome';

/**
 * `audience_loop_signal_webhook_requests_total{outcome}` (every POST /hooks/signals/:slug) and
 * `audience_loop_signal_webhook_unknown_records_total{reason}` (accepted signals that named no record: 202, not fired).
 */
export function registerSignalWebhookMetrics(registry: Registry): InboundSignalCounters {
  const requests = new Counter({
    name: 'audience_loop_signal_webhook_requests_total',
    help: 'Inbound signal webhook requests, by outcome (accepted, duplicate, unknown_record, unauthorized, …).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const unknownRecords = new Counter({
    name: 'audience_loop_signal_webhook_unknown_records_total',
    help: 'Inbound signals that named no record (not_found, ambiguous, wrong_object): answered 202, not fired.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return {
    request: (outcome) => requests.inc({ outcome }),
    unknownRecord: (reason) => unknownRecords.inc({ reason }),
  };
}
