import type { LocalCluster } from '../../test/cluster/support/local-cluster';
import type { ChaosWorld } from './chaos-world';

export interface ScenarioOutcome {
  name: string;
  changesMade: number;
  recordsWritten: number;
  duplicates: number;
  lost: number;
  fieldsDiffer: number;
  /** Action effects beyond one per episode, and effects an episode lacks (entry or remove), in the org and fakes. */
  duplicatedEffects: number;
  missingEffects: number;
  pass: boolean;
  notes: string[];
}

/** A scenario drives a world (server started by it, rep waves made by it) to the point where it must settle. */
export interface Scenario {
  name: string;
  /** Uses a Redis of its own (the scenario restarts it). */
  ownRedis?: boolean;
  /** Uses a Redis Cluster of its own, 3 masters + 3 replicas (the scenario kills masters). */
  ownCluster?: boolean;
  run(
    world: ChaosWorld,
    notes: string[],
    restartRedis: (downMs: number) => Promise<void>,
    cluster: LocalCluster | undefined,
  ): Promise<void>;
}
