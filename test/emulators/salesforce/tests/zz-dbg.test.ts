import { it, expect } from 'vitest';
import { startSalesforceEmulator } from '/work/main/test/emulators/salesforce/index';
import { subscribeWithJsforce } from '/work/main/test/emulators/salesforce/streaming/testing/jsforce-subscriber';
import jsforce from 'jsforce';
it('dbg', async () => {
  const emu = await startSalesforceEmulator({ port: 0, seed: 'demo', streaming: { longPollMs: 2000 } });
  const sub = subscribeWithJsforce(emu.instanceUrl, emu.accessToken, '/data/ContactChangeEvent', -1);
  await sub.subscribed;
  const conn = new jsforce.Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.accessToken, version: '62.0' });
  for (const n of [1000, 3000, 6000]) {
    const before = sub.received.length;
    const recs = Array.from({ length: n }, (_, i) => ({ attributes: { type: 'Contact' }, LastName: `X${i}` }));
    const tx = emu.org.store.begin(emu.users[0]!.id, '');
    for (const r of recs) tx.insert(emu.org.catalog.getObject('Contact')!, { LastName: r.LastName });
    tx.commit();
    await new Promise((r) => setTimeout(r, 4000));
    console.log(n, sub.received.length - before);
  }
  sub.disconnect();
  await emu.stop();
}, 60000);
