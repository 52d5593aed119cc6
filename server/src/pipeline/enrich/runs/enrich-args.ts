import { parseArgs } from 'node:util';
import { AppError } from '../../../lib/errors';

export const ENRICH_USAGE = `Usage: npm run enrich -- --plan <Id|Name> [--estimate-only]
  --plan           the Audience_Enrichment__c to run, by record id or name
  --estimate-only  print the pre-run credit estimate and stop
Runs the plan over its audience's active members now (or resumes its paused run), showing the estimate first and a
progress bar while it runs. See docs/enrichment.md.`;

export interface EnrichArgs {
  plan: string;
  estimateOnly: boolean;
  help: boolean;
}

/** Parses `npm run enrich` arguments; throws ENRICH_BAD_ARGUMENTS with what is wrong. */
export function parseEnrichArgs(argv: readonly string[]): EnrichArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        plan: { type: 'string' },
        'estimate-only': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new AppError('ENRICH_BAD_ARGUMENTS', (error as Error).message, false);
  }
  const help = parsed.values.help === true;
  const plan = parsed.values.plan?.trim() ?? '';
  if (!help && plan === '') throw new AppError('ENRICH_BAD_ARGUMENTS', '--plan <Id|Name> is required', false);
  return { plan, estimateOnly: parsed.values['estimate-only'] === true, help };
}
