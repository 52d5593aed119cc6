// Measurement, not a test (run with tsx): catch-up of N change events made while stopped, CometD vs Pub/Sub.
import { Redis } from 'ioredis';
import { Connection } from 'jsforce';
import { startSalesforceEmulator } from '../../../../test/emulators/salesforce';
import { createLogger } from '../../../src/lib/logger';
import { connectSalesforce } from '../../../src/salesforce/auth/connection-factory';
import { CdcSubscriber, CDC_CHANNEL } from '../../../src/salesforce/stream/cdc-subscriber';
import { PubSubTransport } from '../../../src/salesforce/stream/pubsub-transport';
import { ReplayStore } from '../../../src/salesforce/stream/replay-store';
import { KeySpace } from '../../../src/state/key-space';
import { engineFor } from '../../../../test/emulators/salesforce/streaming/streaming-engine';

const N = Number(process.argv[2] ?? 1000);
const em = await startSalesforceEmulator({ seed: 20, streaming: { longPollMs: 2_000 } });
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const conn = await connectSalesforce({
  mode: 'client_credentials',
  apiVersion: '62.0',
  loginUrl: em.loginUrl,
  clientId: em.clientId,
  clientSecret: em.clientSecret,
});
const rep = new Connection({
  instanceUrl: em.instanceUrl,
  accessToken: em.users.find((u) => u.role === 'rep')!.accessToken,
  version: '62.0',
});
const ids = (await rep.query<{ Id: string }>('SELECT Id FROM Contact LIMIT 20')).records.map((r) => r.Id);
const logger = createLogger({ level: 'silent', name: 'm' });
const prefix = `{t-pubsub17-${Date.now()}}`;
const stores = {
  cometd: new ReplayStore(redis, new KeySpace(`${prefix}c`), CDC_CHANNEL),
  pubsub: new ReplayStore(redis, new KeySpace(`${prefix}p`), CDC_CHANNEL),
};
await rep.sobject('Contact').update({ Id: ids[0]!, Title: 'start' });
const start = engineFor(em.context).bus.latestReplayId();
for (const s of Object.values(stores)) await s.commit(start);
for (let i = 0; i < N; i += 200) {
  await rep.sobject('Contact').update(
    Array.from({ length: Math.min(200, N - i) }, (_, j) => ({ Id: ids[(i + j) % 20]!, Title: `t${i + j}` })),
    { allOrNone: false },
  );
}
console.error('changes made', N);
const target = engineFor(em.context).bus.latestReplayId();
for (const kind of (process.argv[3] ?? 'pubsub,cometd').split(',') as ('cometd' | 'pubsub')[]) {
  let handled = 0;
  let last = 0;
  const t0 = performance.now();
  const sub = new CdcSubscriber({
    conn,
    channel: CDC_CHANNEL,
    replayStore: stores[kind],
    logger,
    onReplayInvalid: async () => undefined,
    handler: async (e) => {
      handled += 1;
      last = e.replayId;
    },
    transport:
      kind === 'pubsub'
        ? new PubSubTransport({ conn, endpoint: em.pubSubEndpoint, rejectUnauthorized: false, logger })
        : undefined,
  });
  await sub.start();
  const until = Date.now() + 60_000;
  while (last !== target && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  if (last !== target) console.error(kind, 'stuck at', last, 'target', target, 'handled', handled, sub.state());
  const s = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      transport: kind,
      events: handled,
      seconds: Number(s.toFixed(2)),
      perSecond: Math.round(handled / s),
      rssMB: Math.round(process.memoryUsage().rss / 1e6),
    }),
  );
  await sub.stop();
}
for (const p of [`${prefix}c`, `${prefix}p`]) {
  const k = await redis.keys(`${p}*`);
  if (k.length) await redis.del(...k);
}
redis.disconnect();
await em.stop();
process.exit(0);
