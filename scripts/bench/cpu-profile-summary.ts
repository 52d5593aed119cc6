import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';

/** The parts of a V8 `.cpuprofile` (Chrome DevTools format) the summary reads. */
const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

export interface SelfTimeRow {
  functionName: string;
  location: string;
  selfMs: number;
  share: number;
}

/**
 * The newest main-thread `.cpuprofile` of a directory (the server writes one per thread when it stops, named
 * `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`; thread 0 is the main one, tsx's loader runs in another).
 */
export function newestProfile(dir: string): string | undefined {
  let best: { path: string; mtime: number } | undefined;
  for (const name of readdirSync(dir)) {
    if (!/\.\d+\.0\.\d+\.cpuprofile$/.test(name)) continue;
    const path = join(dir, name);
    const mtime = statSync(path).mtimeMs;
    if (!best || mtime > best.mtime) best = { path, mtime };
  }
  return best?.path;
}

/** Self time per function (summed over every node of the same function and place), the largest first. */
export function topSelfTime(path: string, cwd: string, limit = 25): { totalMs: number; rows: SelfTimeRow[] } {
  const profile = profileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const nodeKey = new Map<number, string>();
  const labels = new Map<string, { functionName: string; location: string }>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.startsWith('file://') ? relative(cwd, url.slice('file://'.length)) : url;
    const location = file ? `${file}:${lineNumber + 1}` : '';
    const key = `${functionName}@${location}`;
    nodeKey.set(node.id, key);
    labels.set(key, { functionName: functionName || '(anonymous)', location });
  }
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const key = nodeKey.get(nodeId) ?? '?';
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
    totalUs += delta;
  });
  const rows = [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => ({
      ...(labels.get(key) ?? { functionName: key, location: '' }),
      selfMs: Math.round(us / 1000),
      share: totalUs > 0 ? us / totalUs : 0,
    }));
  return { totalMs: Math.round(totalUs / 1000), rows };
}

export function formatSelfTime(summary: { totalMs: number; rows: SelfTimeRow[] }, path: string): string {
  const lines = summary.rows.map(
    (row) =>
      `${String(row.selfMs).padStart(7)} ms  ${(row.share * 100).toFixed(1).padStart(5)} %  ${row.functionName}  ${row.location}`,
  );
  return [`top self time of ${path} (${summary.totalMs} ms sampled):`, ...lines].join('\n');
}
