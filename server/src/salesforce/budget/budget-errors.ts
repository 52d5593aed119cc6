import { AppError, type ErrorCode } from '../../lib/errors';
import type { BudgetState } from './budget-state';

// To be added to the ErrorCode union in lib/errors.ts (owned by the lead); cast until then.
const API_BUDGET_EXHAUSTED = 'SALESFORCE_API_BUDGET' as ErrorCode;

/**
 * Thrown by work the budget does not allow right now. Retryable with `retryAfterMs`, so a queue worker puts the job
 * back (rate limit) instead of counting a failure; it runs once the budget recovers.
 */
export class ApiBudgetExceededError extends AppError {
  constructor(
    readonly state: BudgetState,
    readonly retryAfterMs: number,
    detail: string,
  ) {
    super(
      API_BUDGET_EXHAUSTED,
      `Salesforce API budget is ${state} (${detail}); the work resumes by itself when usage drops below ` +
        `API_BUDGET_PAUSE / API_BUDGET_STOP (or raise those settings)`,
      true,
    );
  }
}
