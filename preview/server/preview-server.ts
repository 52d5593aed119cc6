/**
 * The preview's HTTP server: the record page at `/lightning/r/<Object>/<Id>/view`, the bundle, SLDS's assets, the
 * UI API passed to the org, the Apex stand-ins and the empApi event streams.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { handleApex } from './apex-route';
import type { StandinContext } from './apex-standins/index';
import { EmpBridge } from './emp-bridge';
import { OrgRest } from './org-rest';
import type { OrgSession } from './org-session';
import { sendFile } from './static-files';
import { proxyUiApi, UI_API_PATH } from './ui-api-proxy';

export type PreviewServerSettings = {
  session: OrgSession;
  port: number;
  host?: string;
  /** Folder holding bundle.js. */
  distDir: string;
  previewRoot: string;
  sldsAssets: string;
  labels: () => Map<string, string>;
};

export type RunningPreviewServer = { url: string; emp: EmpBridge; server: Server; close(): Promise<void> };

function page(settings: PreviewServerSettings): string {
  const session = { userId: settings.session.userId, apiVersion: settings.session.apiVersion };
  const html = readFileSync(path.join(settings.previewRoot, 'client', 'index.html'), 'utf8');
  // JSON in a <script>: escape `<` so no value can close the tag.
  return html.replace('__PREVIEW_SESSION__', JSON.stringify(session).replaceAll('<', '\\u003c'));
}

export async function startPreviewServer(settings: PreviewServerSettings): Promise<RunningPreviewServer> {
  const org = new OrgRest(settings.session);
  const emp = new EmpBridge(settings.session);
  const context = (): StandinContext => ({ org, userId: settings.session.userId, labels: settings.labels() });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://preview.local');
    const apex = /^\/__preview\/apex\/([A-Za-z0-9_]+)\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    const isPage =
      /^\/lightning\/r\/[A-Za-z0-9_]+\/[A-Za-z0-9]+\/view$/.test(url.pathname) ||
      /^\/lightning\/n\/[A-Za-z0-9_]+$/.test(url.pathname);
    if (req.method === 'GET' && isPage) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
      res.end(page(settings));
    } else if (req.method === 'GET' && url.pathname === '/bundle.js') {
      if (!sendFile(res, settings.distDir, 'bundle.js')) {
        res.writeHead(503, { 'Content-Type': 'text/plain' });
        res.end('the preview bundle is not built yet');
      }
    } else if (req.method === 'GET' && url.pathname.startsWith('/assets/')) {
      if (!sendFile(res, settings.sldsAssets, url.pathname.slice('/assets/'.length))) notFound(res);
    } else if (UI_API_PATH.test(url.pathname)) {
      await proxyUiApi(settings.session, req, res);
    } else if (req.method === 'POST' && apex) {
      await handleApex(req, res, apex[1]!, apex[2]!, context());
    } else if (req.method === 'GET' && url.pathname === '/__preview/emp/subscribe') {
      await emp.handle(req, res, url.searchParams);
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else {
      notFound(res);
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: (error as Error).message }));
    });
  });
  server.listen(settings.port, settings.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    emp,
    server,
    close: async () => {
      await emp.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found');
}
