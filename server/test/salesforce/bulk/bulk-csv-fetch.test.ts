import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putBulkCsv } from '../../../src/salesforce/bulk/bulk-csv-fetch';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SLICES = 8;
const SLICE_BYTES = 2_000_000;

describe('putBulkCsv', () => {
  let server: Server;
  /**
   * The slices' memory still reachable once the server had the whole body (after a full GC of this isolate). Weak
   * references to each slice's own ArrayBuffer, not the process's `arrayBuffers` figure: that one counts every test
   * file running beside this one in the same process (it failed a CI run at 30 MB held by others).
   */
  const sent: WeakRef<ArrayBuffer>[] = [];
  let aliveAtEnd = -1;
  let received = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.on('data', (chunk: Buffer) => (received += chunk.length));
      req.on('end', () => {
        gc();
        aliveAtEnd = sent.filter((ref) => ref.deref() !== undefined).length;
        res.statusCode = 201;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('streams the CSV without keeping the slices it sent (fetch would tee the body for a redirect)', async () => {
    const conn = {
      instanceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      accessToken: 'token',
      version: '62.0',
    } as unknown as Connection;
    await putBulkCsv(
      conn,
      '/services/data/v62.0/jobs/ingest/750x/batches',
      function* () {
        for (let i = 0; i < SLICES; i += 1) {
          // Above the pool size: each slice has an ArrayBuffer of its own.
          const slice = Buffer.alloc(SLICE_BYTES, 97 + i);
          sent.push(new WeakRef(slice.buffer as ArrayBuffer));
          yield slice;
        }
      },
      'client=test',
    );
    expect(received).toBe(SLICES * SLICE_BYTES);
    // A tee'd body keeps all 8 slices until the request ends; a streamed one at most a slice or two.
    expect(aliveAtEnd).toBeGreaterThanOrEqual(0);
    expect(aliveAtEnd).toBeLessThanOrEqual(2);
  });
});
