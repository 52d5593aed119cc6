import type { Loop } from './compose';

/**
 * A first start (no stored replay id) follows the stream from new events while the imports read the org. CometD
 * acknowledges the subscription and the imports wait for it; Pub/Sub acknowledges nothing, and only its first
 * FetchResponse (events, or a keep-alive within 270 s) proves the subscription in effect. Holding the imports that
 * long would delay them by minutes on a real org, so they read at once, and a change committed after an import read
 * its record but before the subscription took effect would reach neither. Once the stream answers, every mirrored
 * object is reconciled from `subscribedAt` (noted just before subscribing; the reconciler reads from a few minutes
 * earlier still), its records going through the intake's background lane like a gap's. Resolves when done, or at
 * once when there is nothing to do (a resumed start, CometD) or the subscriber stops before the stream answers.
 */
export async function catchUpUnacknowledgedStart(loop: Loop, resumable: boolean, subscribedAt: number): Promise<void> {
  const { subscriber, reconciler, deps } = loop;
  if (resumable || subscriber.acknowledgesSubscribe) return;
  if (!(await subscriber.answered())) return;
  deps.logger.info(
    { since: new Date(subscribedAt).toISOString() },
    'first start over Pub/Sub: reconciling changes made before the stream answered',
  );
  try {
    await reconciler.reconcileAll(subscribedAt);
  } catch (error) {
    deps.logger.error({ err: error }, 'reconciling the changes made before the Pub/Sub stream answered failed');
  }
}
