/**
 * Snowflake connections named in the environment: `SNOWFLAKE_<NAME>_ACCOUNT`, `_USER`, `_PRIVATE_KEY_FILE`
 * (required), `_WAREHOUSE`, `_ROLE`, `_DATABASE`, `_SCHEMA`, `_BASE_URL` (optional). A warehouse source's settings
 * name the connection; the secrets stay here, never in Salesforce. Validated by prefix so a typo in one part
 * (`SNOWFLAKE_DEMO_ACOUNT`) is refused at start-up instead of failing at the first run.
 */
import { z } from 'zod';
import { urlSetting } from './url-setting';

const PARTS = ['ACCOUNT', 'USER', 'PRIVATE_KEY_FILE', 'WAREHOUSE', 'ROLE', 'DATABASE', 'SCHEMA', 'BASE_URL'] as const;
type Part = (typeof PARTS)[number];

const VARIABLE = new RegExp(`^SNOWFLAKE_([A-Z0-9]+(?:_[A-Z0-9]+)*?)_(${PARTS.join('|')})$`);
const filled = z.string().trim().min(1, 'is empty');

const connectionSchema = z
  .object({
    ACCOUNT: filled.regex(/^[A-Za-z0-9_.-]+$/, 'must be an account identifier such as xy12345 or myorg-myaccount'),
    USER: filled,
    PRIVATE_KEY_FILE: filled,
    WAREHOUSE: filled.optional(),
    ROLE: filled.optional(),
    DATABASE: filled.optional(),
    SCHEMA: filled.optional(),
    BASE_URL: urlSetting.optional(),
  })
  .transform((parts) => ({
    account: parts.ACCOUNT,
    user: parts.USER,
    privateKeyFile: parts.PRIVATE_KEY_FILE,
    warehouse: parts.WAREHOUSE,
    role: parts.ROLE,
    database: parts.DATABASE,
    schema: parts.SCHEMA,
    // The account URL is the account identifier (locator with its region, or org-account) under snowflakecomputing.com.
    baseUrl: parts.BASE_URL ?? `https://${parts.ACCOUNT.toLowerCase()}.snowflakecomputing.com`,
  }));

export type SnowflakeConnectionSettings = z.output<typeof connectionSchema>;
export type EnvIssue = { variable: string; message: string };

/** Every SNOWFLAKE_<NAME>_* group, parsed; bad or incomplete groups come back as issues naming the variable. */
export function snowflakeConnections(source: NodeJS.ProcessEnv): {
  connections: Map<string, SnowflakeConnectionSettings>;
  issues: EnvIssue[];
} {
  const groups = new Map<string, Partial<Record<Part, string>>>();
  const issues: EnvIssue[] = [];
  for (const [variable, value] of Object.entries(source)) {
    if (!variable.startsWith('SNOWFLAKE_') || value === undefined || value === '') continue;
    const match = VARIABLE.exec(variable);
    if (!match) {
      issues.push({ variable, message: `is not one of SNOWFLAKE_<NAME>_${PARTS.join('|')}` });
      continue;
    }
    const [, name = '', part] = match;
    groups.set(name, { ...groups.get(name), [part as Part]: value });
  }
  const connections = new Map<string, SnowflakeConnectionSettings>();
  for (const [name, parts] of groups) {
    const parsed = connectionSchema.safeParse(parts);
    if (parsed.success) connections.set(name, parsed.data);
    else {
      for (const issue of parsed.error.issues) {
        const part = String(issue.path[0] ?? 'ACCOUNT');
        const message =
          issue.message === 'Required' || /received undefined/.test(issue.message) ? 'is required' : issue.message;
        issues.push({ variable: `SNOWFLAKE_${name}_${part}`, message });
      }
    }
  }
  return { connections, issues };
}
