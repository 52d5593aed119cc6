import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/env/env';
import { snowflakeConnections } from '../../src/env/snowflake-connections';

describe('SNOWFLAKE_<NAME>_* connections', () => {
  it('when a group is complete then it is a connection named by its middle part, with the account URL by default', () => {
    const { connections, issues } = snowflakeConnections({
      SNOWFLAKE_BILLING_DW_ACCOUNT: 'xy12345.us-east-1',
      SNOWFLAKE_BILLING_DW_USER: 'etl_reader',
      SNOWFLAKE_BILLING_DW_PRIVATE_KEY_FILE: '/run/secrets/sf.p8',
      SNOWFLAKE_BILLING_DW_WAREHOUSE: 'REPORTING_WH',
      SNOWFLAKE_BILLING_DW_ROLE: 'AUDIENCE_READER',
    });
    expect(issues).toEqual([]);
    expect(connections.get('BILLING_DW')).toEqual({
      account: 'xy12345.us-east-1',
      user: 'etl_reader',
      privateKeyFile: '/run/secrets/sf.p8',
      warehouse: 'REPORTING_WH',
      role: 'AUDIENCE_READER',
      database: undefined,
      schema: undefined,
      baseUrl: 'https://xy12345.us-east-1.snowflakecomputing.com',
    });
  });

  it('when a part is missing, misspelt or the base URL is plain http elsewhere then start-up names each variable', () => {
    const run = () =>
      loadEnv({
        SNOWFLAKE_DEMO_ACCOUNT: 'xy12345',
        SNOWFLAKE_DEMO_USER: 'reader',
        SNOWFLAKE_DEMO_BASE_URL: 'http://snowflake.example.com',
        SNOWFLAKE_DEMO_ROLL: 'typo',
      });
    expect(run).toThrow(/SNOWFLAKE_DEMO_PRIVATE_KEY_FILE: is required/);
    expect(run).toThrow(/SNOWFLAKE_DEMO_BASE_URL: must use https/);
    expect(run).toThrow(/SNOWFLAKE_DEMO_ROLL: is not one of/);
  });
});
