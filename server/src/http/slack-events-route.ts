import { Router, type Request, type Response, type NextFunction } from 'express';
import { SLACK_EVENTS_PATH } from '../slack/slack-interactions';

/** Where the Slack step stands for `/slack/events`. */
export type SlackEventsState = { state: 'disabled' } | { state: 'starting' } | { state: 'ready'; router: Router };

/**
 * `/slack/events`, mounted before any body parser (Bolt verifies the signature on the raw body): 404 while Slack
 * is off (no `SLACK_BOT_TOKEN` or no signing secret), 503 until the loop is ready, then Bolt's router.
 */
export function slackEventsRoute(current: () => SlackEventsState): Router {
  const router = Router();
  router.all(SLACK_EVENTS_PATH, (req: Request, res: Response, next: NextFunction) => {
    const slack = current();
    if (slack.state === 'disabled') return void res.status(404).json({ error: 'Slack is not configured' });
    if (slack.state === 'starting') {
      res.set('Retry-After', '5');
      return void res.status(503).json({ error: 'the loop is starting' });
    }
    slack.router(req, res, next);
  });
  return router;
}
