/**
 * The browser the e2e drives: Debian's chromium through playwright-core (no browser download at install or run
 * time). A missing chromium fails the test with the command that installs it; it is never skipped.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type LaunchedBrowser = { context: BrowserContext; close(): Promise<void> };

/** Fails at once, with the install command, when chromium is missing (call it before any slow setup). */
export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the browser e2e needs Debian's chromium at ${CHROMIUM}: install it with ` +
        '`sudo apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium binary); .ci/run installs it itself',
    );
  }
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  assertChromium();
  // A fresh profile per run: nothing from an earlier run (cache, service workers) changes what the page does.
  const profile = mkdtempSync(path.join(os.tmpdir(), 'preview-chromium-'));
  // playwright refuses --user-data-dir in args: a persistent context is how it takes a profile folder.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1100, height: 1400 },
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
