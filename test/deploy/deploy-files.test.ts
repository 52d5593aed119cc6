import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { startScriptNodeFlags } from '../../scripts/bench/start-script-flags';

const repoRoot = path.resolve(import.meta.dirname, '../..');

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions, continuation lines joined and comments dropped, grouped by build stage. */
function dockerStages(text: string): Instruction[][] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const stages: Instruction[][] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(trimmed) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === 'FROM') stages.push([instruction]);
    else stages.at(-1)?.push(instruction);
  }
  return stages;
}

const stages = dockerStages(readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'));
const runtime = stages.at(-1) ?? [];
const all = (keyword: string, stage: Instruction[] = runtime) => stage.filter((i) => i.keyword === keyword);

describe('Dockerfile', () => {
  it('when read, then it has a build stage and a runtime stage, each on a Node 20 image pinned by its full tag', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      const image = (stage[0] as Instruction).args.split(/\s+/)[0] as string;
      expect(image).toMatch(/^node:20\.\d+\.\d+(-[a-z0-9-]+)?$/);
    }
  });

  it('when the runtime stage is read, then it installs production dependencies only and copies the bundle only', () => {
    const runs = all('RUN').map((i) => i.args);
    expect(runs.some((r) => /npm ci\b.*--omit=dev/.test(r))).toBe(true);
    expect(runs.filter((r) => /npm (ci|install|i)\b/.test(r)).every((r) => r.includes('--omit=dev'))).toBe(true);
    const copies = all('COPY').map((i) => i.args);
    expect(copies.filter((c) => c.startsWith('--from='))).toEqual(['--from=build /app/dist ./dist']);
    // Besides the bundle, only the manifest and the lockfile that `npm ci` needs: no sources, no `COPY . .`.
    expect(copies.filter((c) => !c.startsWith('--from='))).toEqual(['package.json package-lock.json ./']);
    expect(all('ENV').map((i) => i.args)).toContain('NODE_ENV=production');
  });

  it('when the runtime stage is read, then it runs as a non-root user, has a HEALTHCHECK and starts dist/main.js with node', () => {
    const users = all('USER').map((i) => i.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users.at(-1));
    const keywords = runtime.map((i) => i.keyword);
    expect(keywords.lastIndexOf('USER')).toBeLessThan(keywords.lastIndexOf('CMD'));
    expect(all('HEALTHCHECK')).toHaveLength(1);
    expect(all('HEALTHCHECK')[0]?.args).toContain('/healthz');
    const cmd = JSON.parse(all('CMD').at(-1)?.args ?? '[]') as string[];
    expect(cmd[0]).toBe('node');
    expect(cmd.at(-1)).toBe('dist/main.js');
    expect(cmd.join(' ')).not.toMatch(/tsx/);
    // The image starts the server with the flags `npm start` gives it (heap and young-generation caps).
    expect(cmd.slice(1, -1)).toEqual(startScriptNodeFlags(repoRoot));
  });

  it('when the build stage is read, then it bundles with npm run build', () => {
    expect(all('RUN', stages[0]).map((i) => i.args)).toContain('npm run build');
  });
});

const appService = z.object({
  image: z.string(),
  environment: z.record(z.string(), z.string()),
  depends_on: z.object({ redis: z.object({ condition: z.literal('service_healthy') }) }),
});
const compose = z.object({
  services: z.record(z.string(), z.object({ image: z.string() }).passthrough()),
});

describe('docker-compose.yml', () => {
  const parsed = compose.parse(parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }));
  const apps = Object.entries(parsed.services)
    .filter(([name]) => name !== 'redis')
    .map(([name, service]) => [name, appService.parse(service)] as const);

  it('when read, then one api, two workers, two stream processes and one scheduler run the image beside Redis', () => {
    const roles = apps.map(([, service]) => service.environment.ROLE).sort();
    expect(roles).toEqual(['api', 'scheduler', 'stream', 'stream', 'worker', 'worker']);
    for (const [, service] of apps) {
      expect(service.image).toBe('audience-loop:latest');
      expect(service.environment.REDIS_URL).toBe('redis://redis:6379');
      expect(service.environment.REDIS_PREFIX).toMatch(/^\{[A-Za-z0-9_-]+\}$/);
    }
  });

  it('when read, then only the api publishes a port, and Redis is pinned, never evicts and is health-checked', () => {
    const published = Object.entries(parsed.services).filter(([, service]) => 'ports' in service);
    expect(published.map(([name]) => name)).toEqual(['api']);
    const redis = parsed.services.redis as { image: string; command: string[]; healthcheck?: unknown };
    expect(redis.image).toMatch(/^redis:\d+\.\d+\.\d+/);
    expect(redis.command.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(redis.healthcheck).toBeDefined();
  });
});
