/**
 * `npm run preview -- --watch` rebuilds when a component changes. The LWC plugin gives a component's JS module an id
 * with a query (`…/x.js?specifier=c%2Fx`) that rollup's watcher cannot watch as a path, so without the component
 * folders watched explicitly an edit of a component's JS went unnoticed.
 */
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_FORCE_APP_ROOT,
  REPO_ROOT,
  watchPreviewBundle,
  type BuildResult,
} from '../../preview/build/preview-bundle';

// Inside the repo: the LWC plugin refuses module paths outside its root's package.
mkdirSync(path.join(REPO_ROOT, '.tmp'), { recursive: true });
const work = mkdtempSync(path.join(REPO_ROOT, '.tmp', 'preview-watch-'));
const forceAppRoot = path.join(work, 'default');
cpSync(DEFAULT_FORCE_APP_ROOT, forceAppRoot, { recursive: true });

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Builds, in order, as they arrive; `next()` waits for the following one. */
function buildLog() {
  const results: (BuildResult | Error)[] = [];
  const waiters: (() => void)[] = [];
  return {
    push(result: BuildResult | Error) {
      results.push(result);
      waiters.splice(0).forEach((wake) => wake());
    },
    async next(count: number): Promise<BuildResult | Error> {
      while (results.length < count) await new Promise<void>((wake) => waiters.push(wake));
      return results[count - 1]!;
    },
  };
}

describe('preview --watch', () => {
  it('rebuilds when a component JS or template file changes', { timeout: 240_000 }, async () => {
    const log = buildLog();
    const watcher = watchPreviewBundle({ forceAppRoot, outDir: path.join(work, 'dist') }, (r) => log.push(r));
    try {
      expect(await log.next(1)).not.toBeInstanceOf(Error);
      appendFileSync(path.join(forceAppRoot, 'lwc', 'audienceStatus', 'audienceStatus.js'), '\n// edited\n');
      expect(await log.next(2)).not.toBeInstanceOf(Error);
      appendFileSync(path.join(forceAppRoot, 'lwc', 'errorPanel', 'errorPanel.html'), '\n');
      expect(await log.next(3)).not.toBeInstanceOf(Error);
    } finally {
      await watcher.close();
    }
  });
});
