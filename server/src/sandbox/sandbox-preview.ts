/**
 * Sandbox mode also serves the local LWC preview (preview/, DESIGN.md section 11) against the sandbox org, signed in
 * as the demo rep, and prints the page of a demo Contact. The preview package is loaded only here, by dynamic
 * import (like the emulator), and it builds in the background: the loop does not wait for it. A sandbox on a
 * random port (SANDBOX_PORT=0, as tests start it) serves no preview, so tests do not pay for a build.
 */
import type { Logger } from '../lib/logger';

export const SANDBOX_PREVIEW_PORT = 4173;

export type SandboxPreview = { stop(): Promise<void> };

export function startSandboxPreview(input: {
  sandboxPort: number;
  instanceUrl: string;
  users: { role: string; accessToken: string }[];
  apiVersion: string;
  logger: Logger;
  print: (line: string) => void;
}): SandboxPreview {
  if (input.sandboxPort === 0) return { stop: async () => {} };
  const rep = input.users.find((u) => u.role === 'rep');
  if (!rep) return { stop: async () => {} };
  const starting = import('@audience-loop/lwc-preview')
    .then(({ startPreview }) =>
      startPreview({
        port: SANDBOX_PREVIEW_PORT,
        instanceUrl: input.instanceUrl,
        token: rep.accessToken,
        apiVersion: input.apiVersion,
      }),
    )
    .then(async (preview) => {
      const contact = await preview.demoContactUrl();
      input.print(
        `Record card preview (as the demo rep), built in ${(preview.build.ms / 1000).toFixed(0)} s: ` +
          `${contact ?? preview.url} (see docs/preview.md)`,
      );
      return preview;
    })
    .catch((error: unknown) => {
      input.logger.warn({ err: error }, 'the record card preview did not start; the loop runs without it');
      return undefined;
    });
  return { stop: async () => void (await (await starting)?.stop()) };
}
