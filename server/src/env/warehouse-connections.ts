import { z } from 'zod';
import { snowflakeConnections, type SnowflakeConnectionSettings } from './snowflake-connections';

/** `POSTGRES_URL_<NAME>`: one Postgres connection per name; a source's settings name it (`"connection": "DEMO"`). */
const POSTGRES_PREFIX = 'POSTGRES_URL_';
/** Upper-case letters, digits and underscores, starting with a letter: the same rule for every warehouse. */
const CONNECTION_NAME = /^[A-Z][A-Z0-9_]*$/;

const postgresUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'must look like postgres://user@host:5432/database (credentials in the URL or in PGPASSWORD)');

export type WarehouseConnections = {
  /** Connection name (upper case) → connection string. Secrets live here only, never in Salesforce. */
  postgres: ReadonlyMap<string, string>;
  /** Connection name (upper case) → SNOWFLAKE_<NAME>_* settings (snowflake-connections.ts). */
  snowflake: ReadonlyMap<string, SnowflakeConnectionSettings>;
};

export type WarehouseConnectionIssue = { variable: string; message: string };

/**
 * Collects the warehouse connections from the environment by prefix. A bad value or name is an issue for `loadEnv`
 * to report with the rest (the process does not start); a blank value counts as unset.
 */
export function readWarehouseConnections(source: NodeJS.ProcessEnv): {
  connections: WarehouseConnections;
  issues: WarehouseConnectionIssue[];
} {
  const postgres = new Map<string, string>();
  const issues: WarehouseConnectionIssue[] = [];
  for (const [variable, raw] of Object.entries(source)) {
    if (!variable.startsWith(POSTGRES_PREFIX) || raw === undefined || raw.trim() === '') continue;
    const name = variable.slice(POSTGRES_PREFIX.length);
    if (!CONNECTION_NAME.test(name)) {
      issues.push({ variable, message: 'the name after POSTGRES_URL_ must be upper-case letters, digits and _' });
      continue;
    }
    const parsed = postgresUrl.safeParse(raw.trim());
    if (!parsed.success) issues.push({ variable, message: parsed.error.issues[0]?.message ?? 'invalid' });
    else postgres.set(name, parsed.data);
  }
  const snowflake = snowflakeConnections(source);
  return { connections: { postgres, snowflake: snowflake.connections }, issues: [...issues, ...snowflake.issues] };
}
