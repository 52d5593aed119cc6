import type { KeySpace } from '../../state/key-space';
import { RedisLease, type RedisLeaseOptions } from '../../state/redis-lease';

export interface StreamLeaseOptions extends Omit<RedisLeaseOptions, 'key' | 'label'> {
  keys: KeySpace;
}

/**
 * One active CDC subscriber across processes (the `stream` role): the lease under the prefix's hash tag, in the same
 * slot as the replay id, whose commits its fencing token guards (`ReplayStore.fenceWith`).
 */
export class StreamLease extends RedisLease {
  constructor(options: StreamLeaseOptions) {
    const { keys, ...rest } = options;
    super({ ...rest, key: keys.streamLease(), label: 'CDC stream' });
  }
}
