/**
 * The environment an `Ad_Audience` target needs, read once from the validated env. A platform whose credentials are
 * missing is `undefined`: its actions are reported at config load and their applications fail without retry.
 */
import type { Env } from '../../../../env/env';

export interface GoogleAdsCredentials {
  developerToken: string;
  /** Digits only. Sent as `login-customer-id`; also the default owner of a list. */
  loginCustomerId: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** e.g. https://googleads.googleapis.com/v26 */
  baseUrl: string;
  tokenUrl: string;
}

export interface MetaCredentials {
  accessToken: string;
  /** e.g. v25.0 */
  apiVersion: string;
  baseUrl: string;
}

export interface AdAudienceEnv {
  google?: GoogleAdsCredentials;
  meta?: MetaCredentials;
  /** DEFAULT_PHONE_REGION: region for national phone numbers of records without a country. */
  defaultPhoneRegion: string;
}

type AdEnvSource = Pick<
  Env,
  | 'GOOGLE_ADS_DEVELOPER_TOKEN'
  | 'GOOGLE_ADS_LOGIN_CUSTOMER_ID'
  | 'GOOGLE_ADS_CLIENT_ID'
  | 'GOOGLE_ADS_CLIENT_SECRET'
  | 'GOOGLE_ADS_REFRESH_TOKEN'
  | 'GOOGLE_ADS_BASE_URL'
  | 'GOOGLE_OAUTH_TOKEN_URL'
  | 'META_ACCESS_TOKEN'
  | 'META_API_VERSION'
  | 'META_BASE_URL'
  | 'DEFAULT_PHONE_REGION'
>;

export function adAudienceEnvFrom(env: AdEnvSource): AdAudienceEnv {
  const {
    GOOGLE_ADS_DEVELOPER_TOKEN: developerToken,
    GOOGLE_ADS_LOGIN_CUSTOMER_ID: loginCustomerId,
    GOOGLE_ADS_CLIENT_ID: clientId,
    GOOGLE_ADS_CLIENT_SECRET: clientSecret,
    GOOGLE_ADS_REFRESH_TOKEN: refreshToken,
  } = env;
  const google =
    developerToken && loginCustomerId && clientId && clientSecret && refreshToken
      ? {
          developerToken,
          loginCustomerId,
          clientId,
          clientSecret,
          refreshToken,
          baseUrl: env.GOOGLE_ADS_BASE_URL,
          tokenUrl: env.GOOGLE_OAUTH_TOKEN_URL,
        }
      : undefined;
  const meta = env.META_ACCESS_TOKEN
    ? { accessToken: env.META_ACCESS_TOKEN, apiVersion: env.META_API_VERSION, baseUrl: env.META_BASE_URL }
    : undefined;
  return { google, meta, defaultPhoneRegion: env.DEFAULT_PHONE_REGION };
}
