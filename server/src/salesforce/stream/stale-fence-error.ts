import { AppError } from '../../lib/errors';

/**
 * A replay-id commit refused because a newer stream leader exists (its fencing token is above ours): this process
 * lost the lease — paused, partitioned — and must stop following; what it handled is redelivered to the new leader.
 */
export class StaleFenceError extends AppError {
  constructor(
    readonly fence: number,
    readonly current: number | null,
  ) {
    super(
      'STREAM_FENCED_OUT',
      `replay id commit refused: this process's fencing token ${fence} is stale (the current one is ${current ?? 'unset'})`,
      false,
    );
  }
}
