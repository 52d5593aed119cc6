/**
 * Starts the preview: an org session (the given instance and token, or an emulator started here with the demo
 * seed, signed in as its rep), the bundle (built once, or watched), and the HTTP server. `stop()` ends all three.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readCustomLabels } from '../build/custom-labels';
import {
  buildPreviewBundle,
  DEFAULT_FORCE_APP_ROOT,
  PREVIEW_ROOT,
  REPO_ROOT,
  SLDS_ASSETS,
  watchPreviewBundle,
  type BuildResult,
  type BundleWatcher,
} from '../build/preview-bundle';
import { OrgRest } from './org-rest';
import { openOrgSession, type OrgSession } from './org-session';
import { startPreviewServer, type RunningPreviewServer } from './preview-server';

export type PreviewOptions = {
  port?: number;
  host?: string;
  /** The org to run against; without it an emulator is started with the demo seed. */
  instanceUrl?: string;
  /** The signed-in user's access token (required with instanceUrl). */
  token?: string;
  apiVersion?: string;
  watch?: boolean;
  /**
   * Serve the bundle another preview already built in `outDir` instead of building it (a second signed-in user in
   * the same test, e.g. a non-admin beside the admin). Not with `watch`.
   */
  reuseBuild?: boolean;
  outDir?: string;
  forceAppRoot?: string;
  /** Hears every rebuild in watch mode. */
  onRebuild?: (result: BuildResult | Error) => void;
};

export type RunningPreview = {
  url: string;
  session: OrgSession;
  server: RunningPreviewServer;
  /** The first build's time. */
  build: BuildResult;
  recordUrl(objectApiName: string, recordId: string): string;
  /** A tab's page, e.g. `tabUrl('Audiences_Setup')`: the components exposed as Lightning tabs. */
  tabUrl(tabName: string): string;
  /** The page of the first Contact the signed-in user sees (undefined when none). */
  demoContactUrl(): Promise<string | undefined>;
  stop(): Promise<void>;
};

async function orgFor(options: PreviewOptions) {
  if (options.instanceUrl) {
    if (!options.token) throw new Error('--instance-url needs --token (the signed-in user’s access token)');
    return { instanceUrl: options.instanceUrl, accessToken: options.token, stop: async () => {} };
  }
  const { startSalesforceEmulator } = await import('@audience-loop/salesforce-emulator');
  const emulator = await startSalesforceEmulator({ seed: 'demo' });
  const rep = emulator.users.find((u) => u.role === 'rep') ?? emulator.users[0];
  if (!rep) throw new Error('the emulator has no user to sign in as');
  return { instanceUrl: emulator.instanceUrl, accessToken: rep.accessToken, stop: () => emulator.stop() };
}

function firstBuild(options: PreviewOptions, outDir: string): Promise<{ build: BuildResult; watcher?: BundleWatcher }> {
  const settings = { outDir, forceAppRoot: options.forceAppRoot };
  if (options.reuseBuild && !options.watch) {
    const file = path.join(outDir, 'bundle.js');
    if (!existsSync(file)) return Promise.reject(new Error(`reuseBuild: no bundle at ${file}; build it first`));
    return Promise.resolve({ build: { file, ms: 0, cached: true } });
  }
  if (!options.watch) return buildPreviewBundle(settings).then((build) => ({ build }));
  return new Promise((resolve, reject) => {
    let first = true;
    const watcher = watchPreviewBundle(settings, (result) => {
      if (first) {
        first = false;
        if (result instanceof Error) {
          void watcher.close();
          reject(result);
        } else resolve({ build: result, watcher });
        return;
      }
      options.onRebuild?.(result);
    });
  });
}

export async function startPreview(options: PreviewOptions = {}): Promise<RunningPreview> {
  const apiVersion = options.apiVersion ?? '62.0';
  const outDir = options.outDir ?? path.join(REPO_ROOT, '.tmp', 'preview-dist');
  const forceAppRoot = options.forceAppRoot ?? DEFAULT_FORCE_APP_ROOT;
  const org = await orgFor(options);
  let watcher: BundleWatcher | undefined;
  try {
    const session = await openOrgSession({ instanceUrl: org.instanceUrl, accessToken: org.accessToken, apiVersion });
    const built = await firstBuild(options, outDir);
    watcher = built.watcher;
    const server = await startPreviewServer({
      session,
      port: options.port ?? 4173,
      host: options.host,
      distDir: outDir,
      previewRoot: PREVIEW_ROOT,
      sldsAssets: SLDS_ASSETS,
      labels: () => readCustomLabels(forceAppRoot),
    });
    const recordUrl = (objectApiName: string, recordId: string) =>
      `${server.url}/lightning/r/${objectApiName}/${recordId}/view`;
    return {
      url: server.url,
      session,
      server,
      build: built.build,
      recordUrl,
      tabUrl: (tabName: string) => `${server.url}/lightning/n/${encodeURIComponent(tabName)}`,
      demoContactUrl: async () => {
        const [contact] = await new OrgRest(session).query('SELECT Id FROM Contact ORDER BY CreatedDate LIMIT 1');
        return typeof contact?.Id === 'string' ? recordUrl('Contact', contact.Id) : undefined;
      },
      stop: async () => {
        await server.close();
        await watcher?.close();
        await org.stop();
      },
    };
  } catch (error) {
    await watcher?.close();
    await org.stop();
    throw error;
  }
}
