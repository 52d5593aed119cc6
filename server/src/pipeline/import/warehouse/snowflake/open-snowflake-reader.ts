/**
 * Builds the reader for a warehouse source whose settings name a Snowflake connection: the connection's variables
 * come from the environment (server/src/env/snowflake-connections.ts), the private key from its file.
 */
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { snowflakeConnections } from '../../../../env/snowflake-connections';
import { SnowflakeError } from './snowflake-errors';
import { SnowflakeReader } from './snowflake-reader';
import type { SnowflakeClientOptions } from './snowflake-client';

export async function openSnowflakeReader(
  connectionName: string,
  source: NodeJS.ProcessEnv = process.env,
  options: SnowflakeClientOptions = {},
): Promise<SnowflakeReader> {
  const name = connectionName.trim().toUpperCase();
  const settings = snowflakeConnections(source).connections.get(name);
  if (!settings) {
    throw new SnowflakeError(
      'SNOWFLAKE_REQUEST_REFUSED',
      `No Snowflake connection ${name}: set SNOWFLAKE_${name}_ACCOUNT, _USER and _PRIVATE_KEY_FILE`,
      false,
    );
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(await readFile(settings.privateKeyFile, 'utf8'));
  } catch (error) {
    // The path is configuration, not a secret; the key's content is never put in the message.
    throw new SnowflakeError(
      'SNOWFLAKE_AUTH_FAILED',
      `SNOWFLAKE_${name}_PRIVATE_KEY_FILE (${settings.privateKeyFile}) is not a readable unencrypted PEM private key: ${(error as Error).message}`,
      false,
    );
  }
  return new SnowflakeReader({ ...settings, privateKey }, options);
}
