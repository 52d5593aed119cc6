import type { Env } from '../../../../env/env-schema';

/** What the Salesloft target needs from the environment. */
export interface SalesloftConfig {
  apiKey: string;
  /** `…/v2`. */
  baseUrl: string;
}

/** Undefined when `SALESLOFT_API_KEY` is not set (the action type is then unavailable). */
export function salesloftConfigFromEnv(env: Env): SalesloftConfig | undefined {
  return env.SALESLOFT_API_KEY === undefined
    ? undefined
    : { apiKey: env.SALESLOFT_API_KEY, baseUrl: env.SALESLOFT_BASE_URL };
}
