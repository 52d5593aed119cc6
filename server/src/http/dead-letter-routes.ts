import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { DeadLetters } from '../pipeline/import/intake/dead-letters';

const idSchema = z.string().regex(/^-?\d{1,20}(-ids)?$/, 'a dead-letter id: the replay id, or <replay id>-ids');

/**
 * The dead-letter admin endpoints, mounted under /admin behind the admin token: list, retry one or all (the records
 * are handled again; a letter that succeeds is removed), clear one or all. 503 until the loop has started.
 */
export function deadLetterRoutes(deadLetters: () => DeadLetters | undefined): Router {
  const router = express.Router();
  const withLetters =
    (handler: (letters: DeadLetters, req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      const letters = deadLetters();
      if (!letters) {
        res.status(503).json({ error: 'the loop has not started yet' });
        return;
      }
      try {
        await handler(letters, req, res);
      } catch (error) {
        res.status(500).json({ error: error instanceof Error ? error.message : String(error) });
      }
    };
  const idOf = (req: Request, res: Response): string | undefined => {
    const parsed = idSchema.safeParse(req.params.id);
    if (parsed.success) return parsed.data;
    res.status(400).json({ error: z.prettifyError(parsed.error) });
    return undefined;
  };

  router.get(
    '/dead-letters',
    withLetters(async (letters, _req, res) => {
      const list = await letters.list();
      res.json({ count: list.length, deadLetters: list });
    }),
  );
  router.post(
    '/dead-letters/retry',
    withLetters(async (letters, _req, res) => {
      const outcomes = await letters.retryAll();
      res.json({ retried: outcomes.length, succeeded: outcomes.filter((o) => o.succeeded).length, outcomes });
    }),
  );
  router.post(
    '/dead-letters/:id/retry',
    withLetters(async (letters, req, res) => {
      const id = idOf(req, res);
      if (id === undefined) return;
      const outcome = await letters.retry(id);
      const missing = !outcome.retried && outcome.reason === 'no such dead letter';
      res.status(missing ? 404 : outcome.retried ? 200 : 409).json(outcome);
    }),
  );
  router.delete(
    '/dead-letters/:id',
    withLetters(async (letters, req, res) => {
      const id = idOf(req, res);
      if (id === undefined) return;
      if (await letters.clear(id)) res.json({ cleared: 1 });
      else res.status(404).json({ error: 'no such dead letter' });
    }),
  );
  router.delete(
    '/dead-letters',
    withLetters(async (letters, _req, res) => {
      res.json({ cleared: await letters.clearAll() });
    }),
  );
  return router;
}
