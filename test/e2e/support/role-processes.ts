import { ServerProcess } from '../../../scripts/bench/server-process';
import type { EmulatorInfo } from '../../../scripts/bench/emulator-process';

/** What /readyz says of a process's roles and its stream lease (the fields the lease tests read). */
export interface RolesReadyz {
  status?: string;
  roles?: string[];
  stream?: { leader: boolean; holder?: string | null; fence?: number | null };
  checks?: { salesforce?: { ok: boolean; detail?: { state?: string } | string } };
}

/** A server process with the given ROLE against the emulator, under the test's prefix (tests give a short lease). */
export function startRole(input: {
  cwd: string;
  emulator: EmulatorInfo;
  redisUrl: string;
  prefix: string;
  role: string;
  /** The lease's TTL; the server's default (10 s) when left out. */
  leaseTtlMs?: number;
  /** More environment (BULK_QUERY_THRESHOLD, the action targets' settings, …). */
  env?: Record<string, string>;
  echo?: boolean;
}): Promise<ServerProcess> {
  return ServerProcess.start({
    cwd: input.cwd,
    emulator: input.emulator,
    redisUrl: input.redisUrl,
    prefix: input.prefix,
    env: {
      ...input.env,
      ROLE: input.role,
      ...(input.leaseTtlMs === undefined ? {} : { LEASE_TTL_MS: String(input.leaseTtlMs) }),
    },
    echo: input.echo ?? process.env.ROLE_TEST_ECHO === '1',
  });
}

export async function readyz(server: ServerProcess): Promise<{ status: number; body: RolesReadyz }> {
  const answer = await server.readyz();
  return { status: answer.status, body: (answer.body ?? {}) as RolesReadyz };
}

/** Polls /readyz until `gate` holds for its answer; fails with the last answer (or the server's exit). */
export async function untilReadyz(
  server: ServerProcess,
  what: string,
  gate: (answer: { status: number; body: RolesReadyz }) => boolean,
  timeoutMs = 180_000,
): Promise<{ status: number; body: RolesReadyz }> {
  const deadline = Date.now() + timeoutMs;
  let last: { status: number; body: RolesReadyz } | undefined;
  for (;;) {
    if (!server.running) throw new Error(`${what}: the server exited:\n${server.output.tail()}`);
    last = await readyz(server).catch(() => undefined);
    if (last && gate(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs} ms; last /readyz ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The stream is followed by this process: it holds the lease and its subscription is live. */
export function followsStream(answer: { status: number; body: RolesReadyz }): boolean {
  const detail = answer.body.checks?.salesforce?.detail;
  return (
    answer.status === 200 &&
    answer.body.stream?.leader === true &&
    typeof detail === 'object' &&
    detail.state === 'live'
  );
}

/** The process is up and standing by: ready, but another process holds the stream lease. */
export function standsBy(answer: { status: number; body: RolesReadyz }): boolean {
  return answer.status === 200 && answer.body.stream?.leader === false;
}
