/**
 * The page's UI API reads and writes (`/services/data/vXX.X/ui-api/…`) go to the org as the signed-in user, as
 * Lightning's own requests do; only the UI API is passed through.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OrgSession } from './org-session';

export const UI_API_PATH = /^\/services\/data\/v\d+\.\d+\/ui-api\//;

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function proxyUiApi(session: OrgSession, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const response = await fetch(`${session.instanceUrl}${req.url}`, {
    method: req.method,
    headers: { Authorization: `Bearer ${session.accessToken}`, 'Content-Type': 'application/json' },
    body,
  });
  res.writeHead(response.status, { 'Content-Type': response.headers.get('content-type') ?? 'application/json' });
  res.end(Buffer.from(await response.arrayBuffer()));
}
