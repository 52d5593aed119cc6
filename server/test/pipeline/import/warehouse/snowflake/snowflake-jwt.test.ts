import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  claimAccount,
  mintSnowflakeJwt,
  SnowflakeTokenSource,
} from '../../../../../src/pipeline/import/warehouse/snowflake/snowflake-jwt';
import { jwtProblem } from '../../../../../../test/emulators/warehouse/snowflake';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const decode = (part: string | undefined) => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));

describe('Snowflake key-pair JWT', () => {
  it('when minted then sub is ACCOUNT.USER and iss adds the SHA-256 fingerprint of the public key DER, upper case', () => {
    const token = mintSnowflakeJwt('xy12345.us-east-1', 'etl_reader', privateKey, 1_800_000_000);
    const [header, claims] = token.split('.');
    const fingerprint = createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('base64');
    expect(decode(header)).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(decode(claims)).toEqual({
      sub: 'XY12345.ETL_READER',
      iss: `XY12345.ETL_READER.SHA256:${fingerprint}`,
      iat: 1_800_000_000,
      exp: 1_800_000_000 + 59 * 60,
    });
  });

  it('when the account carries region and cloud segments or the host then only the locator remains', () => {
    expect(claimAccount('xy12345.us-east-2.aws')).toBe('XY12345');
    expect(claimAccount('xy12345.snowflakecomputing.com')).toBe('XY12345');
    expect(claimAccount('myorg-myaccount')).toBe('MYORG-MYACCOUNT');
  });

  it('when checked by the fake against the registered key then it passes; another key or an expired token fails', () => {
    const now = Math.floor(Date.now() / 1000);
    const token = mintSnowflakeJwt('xy12345', 'etl_reader', privateKey, now);
    const registered = { account: 'XY12345', user: 'ETL_READER', publicKey: createPublicKey(privateKey) };
    expect(jwtProblem(token, registered, now)).toBeUndefined();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(jwtProblem(token, { ...registered, publicKey: other.publicKey }, now)).toMatch(/signature/);
    expect(jwtProblem(token, registered, now + 3600)).toBe('token expired');
    expect(jwtProblem(token, { ...registered, user: 'SOMEONE' }, now)).toMatch(/sub/);
  });

  it('when a token is reused within its life then the source signs once, and again near expiry', () => {
    let now = 1_800_000_000;
    const source = new SnowflakeTokenSource('xy12345', 'reader', privateKey, () => now);
    const first = source.token();
    now += 50 * 60;
    expect(source.token()).toBe(first);
    now += 5 * 60;
    expect(source.token()).not.toBe(first);
  });
});
