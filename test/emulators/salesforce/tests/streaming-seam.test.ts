/** The seam end to end: a REST write through jsforce reaches a jsforce CometD subscriber as a change event. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index';
import { subscribeWithJsforce, type JsforceSubscriber } from '../streaming/testing/jsforce-subscriber';
import { connect, raw, startEmu } from './helpers';

let emu: RunningEmulator;
const subs: JsforceSubscriber[] = [];

beforeAll(async () => {
  emu = await startEmu({ seed: 'none', streaming: { longPollMs: 500 } });
});
afterAll(async () => {
  for (const s of subs) s.disconnect();
  await emu?.stop();
});

describe('REST writes → CometD change events', () => {
  it(
    'a Contact update arrives with changeOrigin, commitUser and only the changed fields',
    { timeout: 30_000 },
    async () => {
      const conn = connect(emu);
      const { id } = (await conn.sobject('Contact').create({ LastName: 'Streamer', Phone: '1' })) as { id: string };
      const sub = subscribeWithJsforce(emu.instanceUrl, emu.accessToken, '/data/ContactChangeEvent', -1);
      subs.push(sub);
      await sub.subscribed;
      const r = await raw(
        emu,
        'PATCH',
        `/services/data/v62.0/sobjects/Contact/${id}`,
        { Phone: '2', LastName: 'Streamer' },
        {
          'Sforce-Call-Options': 'client=audience-loop',
        },
      );
      expect(r.status).toBe(204);
      const [event] = await sub.waitFor(1);
      const header = event!.payload.ChangeEventHeader as unknown as Record<string, unknown>;
      expect(header).toMatchObject({
        entityName: 'Contact',
        changeType: 'UPDATE',
        recordIds: [id],
        commitUser: emu.users.find((u) => u.role === 'integration')!.id,
        changeOrigin: 'com/salesforce/api/rest/62.0;client=audience-loop',
      });
      expect(header.changedFields).toEqual(expect.arrayContaining(['Phone', 'LastModifiedDate']));
      expect(header.changedFields).not.toContain('LastName');
      expect(event!.payload.Phone).toBe('2');
    },
  );
});
