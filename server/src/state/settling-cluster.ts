import { Cluster, type ClusterNode, type ClusterOptions, type ClusterStatus, type Redis } from 'ioredis';

/** The options ioredis' Cluster takes with its default (legacy) reply mapping, which is the one used here. */
type LegacyOptions = ClusterOptions & { redisOptions?: { replyMapping?: 'legacy' } };

/**
 * An ioredis Cluster whose `connect()` and `disconnect()` always finish, even during a failover. BullMQ needs both:
 * when a worker's blocking fetch overstays its time it resets the blocking connection (`disconnect`, wait for `end`,
 * `connect`) and fetches nothing until that reset returns. Two ioredis Cluster behaviours make it wait forever while
 * a master of the cluster is failing over, and the worker then never takes another job (jobs pile up in `wait`):
 *
 * - `connect()`'s promise is dropped when the ready check finds `cluster_state:fail` (a master is down and not yet
 *   replaced): the cluster disconnects and reconnects by itself and becomes ready, but the first promise never
 *   settles (the same as redis/ioredis#741). Here it settles with the cluster: on `ready`, or on `end`.
 * - a command answered `MOVED` while the cluster disconnects adds a node to the emptied pool; that node is never
 *   connected nor closed, so the pool never drains and `end` never comes. Here a node added during a manual
 *   disconnect is closed at once, so the cluster ends (and stays ended, below).
 *
 * `duplicate()` keeps the class, since BullMQ makes each worker's blocking connection with it.
 */
export class SettlingCluster extends Cluster {
  /** Set by a manual disconnect/quit (not the reconnecting kind) until the next connect. */
  private ending = false;

  constructor(
    private readonly seeds: ClusterNode[],
    options: ClusterOptions = {},
  ) {
    super(seeds, options as LegacyOptions);
    this.on('+node', (node: Redis) => {
      if (this.ending && (this.status === 'disconnecting' || this.status === 'close')) node.disconnect();
    });
    // Each node that closes after the pool was emptied announces the pool empty again, and ioredis then sets the
    // status back to 'close' after 'end': whoever reads the status afterwards (BullMQ, before reconnecting) would wait
    // for an 'end' or 'ready' that never comes. 'end' stays until the next connect().
    const internals = this as unknown as { setStatus(status: ClusterStatus): void };
    const setStatus = internals.setStatus.bind(this);
    internals.setStatus = (status) => {
      if (status === 'close' && this.status === 'end') return;
      setStatus(status);
    };
  }

  override connect(): Promise<void> {
    this.ending = false;
    const attempt = super.connect();
    return new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        this.off('ready', onReady);
        this.off('end', onEnd);
        if (error) reject(error);
        else resolve();
      };
      // Status events are emitted on the next tick: one left over from before this call is not about it.
      const onReady = () => {
        if (this.status === 'ready') done();
      };
      const onEnd = () => {
        if (this.status === 'end') done(new Error('Connection is closed.'));
      };
      this.on('ready', onReady);
      this.on('end', onEnd);
      attempt.then(
        () => done(),
        (error: Error) => done(error),
      );
    });
  }

  override disconnect(reconnect = false): void {
    if (!reconnect) this.ending = true;
    super.disconnect(reconnect);
  }

  override quit(...args: Parameters<Cluster['quit']>): ReturnType<Cluster['quit']> {
    this.ending = true;
    return super.quit(...args);
  }

  override duplicate(...[nodes, overrides]: Parameters<Cluster['duplicate']>): ReturnType<Cluster['duplicate']> {
    const options: ClusterOptions = { ...this.options, ...overrides };
    if (this.options.redisOptions && overrides?.redisOptions) {
      options.redisOptions = { ...this.options.redisOptions, ...overrides.redisOptions };
    }
    return new SettlingCluster(nodes?.length ? nodes : [...this.seeds], options);
  }
}
