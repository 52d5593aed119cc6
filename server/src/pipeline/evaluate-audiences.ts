import type { AudienceConfig } from '../config/loop-config';
import type { MirrorStore } from './import/mirror-store';
import type { RecordRefresher } from './refresh-records';

/** Evaluates audiences over every mirrored record of their objects (a new or changed audience, a reload). */
export async function evaluateAudiences(
  deps: { mirror: MirrorStore; refresher: RecordRefresher },
  audiences: readonly AudienceConfig[],
): Promise<void> {
  for (const object of new Set(audiences.map((a) => a.object))) {
    const ofObject = audiences.filter((a) => a.object === object);
    for await (const page of deps.mirror.scan(object)) await deps.refresher.evaluate(ofObject, page);
  }
}
