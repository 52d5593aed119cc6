import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './target-address';

export type PostOutcome =
  { kind: 'reply'; status: number; headers: IncomingHttpHeaders } | { kind: 'network'; message: string };

/** How much of a receiver's reply is read before the connection is dropped (it is not used). */
const MAX_REPLY_BYTES = 64 * 1024;

/**
 * POSTs `body` to `url` over a connection to `address` only: the `lookup` override answers every resolution with
 * the address that was checked, while TLS still verifies the certificate for the URL's host name. No redirects are
 * followed (a 3xx is an answer, not a new destination).
 */
export function pinnedPost(
  url: URL,
  address: ResolvedAddress,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostOutcome> {
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const request = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup,
      agent: false,
      timeout: timeoutMs,
    });
    request.on('response', (response) => {
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_REPLY_BYTES) response.destroy();
      });
      const done = () => resolve({ kind: 'reply', status: response.statusCode ?? 0, headers: response.headers });
      response.on('end', done);
      response.on('close', done);
    });
    request.on('timeout', () => request.destroy(new Error(`no reply within ${timeoutMs} ms`)));
    request.on('error', (error) => resolve({ kind: 'network', message: error.message }));
    request.end(body);
  });
}
