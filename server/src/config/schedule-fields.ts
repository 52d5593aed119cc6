/** The schedule fields sources share in their `Settings__c` (warehouse and prospect search): a cron and its zone. */
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Five-field cron (BullMQ's job schedulers also accept six; admins write five). */
export const cronSchema = z
  .string()
  .trim()
  .refine((value) => value.split(/\s+/).length === 5, 'must be a five-field cron such as "*/15 * * * *"')
  .refine((value) => {
    try {
      CronExpressionParser.parse(value);
      return true;
    } catch {
      return false;
    }
  }, 'is not a valid cron expression');

export const timeZoneSchema = z
  .string()
  .trim()
  .refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris')
  .default('UTC');
