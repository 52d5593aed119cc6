import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { ChangeChannelDef, StreamingOptions } from '../../org-contract';
import { closeStreaming, createStreamingControlRouter, createStreamingRouter } from '../index';
import { createFakeContext, type FakeContext } from './fake-context';

export interface FakeOrgServer extends FakeContext {
  url: string;
  close(): Promise<void>;
}

/** An express app mounting the streaming routers the way the core does, on a loopback port. */
export async function startFakeOrgServer(
  options: { streaming?: Partial<StreamingOptions>; cdcEntities?: string[]; channels?: ChangeChannelDef[] } = {},
): Promise<FakeOrgServer> {
  const fake = createFakeContext(options);
  const app = express();
  app.use('/cometd', createStreamingRouter(fake.ctx));
  app.use('/__emulator/streaming', createStreamingControlRouter(fake.ctx));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...fake,
    url: `http://127.0.0.1:${port}`,
    async close() {
      closeStreaming(fake.ctx);
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
