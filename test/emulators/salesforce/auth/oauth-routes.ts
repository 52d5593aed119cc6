/** /services/oauth2/{token,userinfo,revoke} and the identity URL /id/<orgId>/<userId>. */
import express, { type Request, type Response, type Router } from 'express';
import type { AccessTokenInfo } from '../org-contract';
import type { Org } from '../org/org';
import type { OrgUser } from '../org/users';
import { verifyRs256 } from './jwt';

function oauthError(res: Response, status: number, error: string, description: string): void {
  res.status(status).json({ error, error_description: description });
}

/** The bearer token from `Authorization: Bearer|OAuth <t>` or `oauth_token`/`access_token` query parameters. */
export function bearerToken(req: Request): string | undefined {
  const h = req.headers.authorization;
  if (h) {
    const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(h.trim());
    return m?.[1];
  }
  const q = new URL(req.originalUrl, 'http://x').searchParams;
  return q.get('oauth_token') ?? q.get('access_token') ?? undefined;
}

export function createOAuthRouter(org: Org): Router {
  const r = express.Router();
  const form = express.urlencoded({ extended: false, limit: '1mb' });

  const tokenBody = (
    user: OrgUser,
    info: AccessTokenInfo,
    extra: Record<string, string> = {},
  ): Record<string, string> => {
    const issuedAt = String(info.issuedAt);
    return {
      access_token: info.token,
      ...extra,
      signature: Buffer.from(`${info.token}|${issuedAt}`).toString('base64').slice(0, 44),
      scope: 'api web refresh_token',
      instance_url: org.instanceUrl,
      id: `${org.instanceUrl}/id/${org.orgId}/${user.id}`,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
  };

  const checkClient = (res: Response, clientId: unknown, clientSecret: unknown, secretRequired: boolean): boolean => {
    if (clientId !== org.clientId) {
      oauthError(res, 400, 'invalid_client_id', 'client identifier invalid');
      return false;
    }
    if ((secretRequired || clientSecret !== undefined) && clientSecret !== org.clientSecret) {
      oauthError(res, 400, 'invalid_client', 'invalid client credentials');
      return false;
    }
    return true;
  };

  r.post('/services/oauth2/token', form, (req, res) => {
    const b = (req.body ?? {}) as Record<string, string | undefined>;
    // client_id/secret may also come as HTTP Basic auth
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      b.client_id ??= decodeURIComponent(id ?? '');
      b.client_secret ??= decodeURIComponent(secret ?? '');
    }
    switch (b.grant_type) {
      case 'client_credentials': {
        if (!checkClient(res, b.client_id, b.client_secret, true)) return;
        const user = org.user('integration');
        res.json(tokenBody(user, org.tokens.issue(user.id)));
        return;
      }
      case 'password': {
        if (!checkClient(res, b.client_id, b.client_secret, true)) return;
        const user = b.username ? org.userByName(b.username) : undefined;
        if (!user || !b.password || !b.password.startsWith(user.password)) {
          oauthError(res, 400, 'invalid_grant', 'authentication failure');
          return;
        }
        res.json(tokenBody(user, org.tokens.issue(user.id)));
        return;
      }
      case 'refresh_token': {
        if (!checkClient(res, b.client_id, b.client_secret, false)) return;
        const userId = b.refresh_token ? org.tokens.refreshUser(b.refresh_token) : undefined;
        const user = userId ? org.userById(userId) : undefined;
        if (!user) {
          oauthError(res, 400, 'invalid_grant', 'expired access/refresh token');
          return;
        }
        res.json(tokenBody(user, org.tokens.issue(user.id)));
        return;
      }
      case 'urn:ietf:params:oauth:grant-type:jwt-bearer': {
        if (!b.assertion) {
          oauthError(res, 400, 'invalid_request', 'assertion is required');
          return;
        }
        if (!org.jwtCertificate) {
          oauthError(res, 400, 'invalid_client', 'invalid client credentials');
          return;
        }
        const v = verifyRs256(b.assertion, org.jwtCertificate);
        if ('error' in v) {
          oauthError(res, 400, 'invalid_grant', v.error);
          return;
        }
        const c = v.claims;
        if (c.iss !== org.clientId) {
          oauthError(res, 400, 'invalid_client_id', 'client identifier invalid');
          return;
        }
        const auds = Array.isArray(c.aud) ? c.aud : [c.aud];
        const okAud = auds.some(
          (a) =>
            a === org.instanceUrl ||
            a === `${org.instanceUrl}/` ||
            a === 'https://login.salesforce.com' ||
            a === 'https://test.salesforce.com',
        );
        if (!okAud) {
          oauthError(res, 400, 'invalid_grant', 'audience is invalid');
          return;
        }
        if (typeof c.exp !== 'number' || c.exp * 1000 <= org.clock.now()) {
          oauthError(res, 400, 'invalid_grant', 'expired authorization code');
          return;
        }
        const user = typeof c.sub === 'string' ? org.userByName(c.sub) : undefined;
        if (!user) {
          oauthError(res, 400, 'invalid_grant', "user hasn't approved this consumer");
          return;
        }
        res.json(tokenBody(user, org.tokens.issue(user.id)));
        return;
      }
      default:
        oauthError(res, 400, 'unsupported_grant_type', 'grant type not supported');
    }
  });

  r.post('/services/oauth2/revoke', form, (req, res) => {
    const token =
      ((req.body ?? {}) as Record<string, string>).token ??
      new URL(req.originalUrl, 'http://x').searchParams.get('token') ??
      '';
    if (!org.tokens.revoke(token)) {
      oauthError(res, 400, 'unsupported_token_type', 'this token type is not supported');
      return;
    }
    res.status(200).end();
  });

  const authed = (req: Request, res: Response): { user: OrgUser } | undefined => {
    const token = bearerToken(req);
    const info = token ? org.tokens.verify(token) : undefined;
    const user = info ? org.userById(info.userId) : undefined;
    if (!user) {
      res.status(403).type('text/plain').send('Bad_OAuth_Token');
      return undefined;
    }
    return { user };
  };

  const urls = (user: OrgUser): Record<string, string> => {
    const b = `${org.instanceUrl}/services/data/v{version}`;
    return {
      enterprise: `${org.instanceUrl}/services/Soap/c/{version}/${org.orgId}`,
      metadata: `${org.instanceUrl}/services/Soap/m/{version}/${org.orgId}`,
      partner: `${org.instanceUrl}/services/Soap/u/{version}/${org.orgId}`,
      rest: `${b}/`,
      sobjects: `${b}/sobjects/`,
      search: `${b}/search/`,
      query: `${b}/query/`,
      recent: `${b}/recent/`,
      tooling_soap: `${org.instanceUrl}/services/Soap/T/{version}/${org.orgId}`,
      tooling_rest: `${b}/tooling/`,
      profile: `${org.instanceUrl}/${user.id}`,
      feeds: `${b}/chatter/feeds`,
      groups: `${b}/chatter/groups`,
      users: `${b}/chatter/users`,
      feed_items: `${b}/chatter/feed-items`,
      feed_elements: `${b}/chatter/feed-elements`,
      custom_domain: org.instanceUrl,
    };
  };

  const userinfo = (req: Request, res: Response): void => {
    const a = authed(req, res);
    if (!a) return;
    const u = a.user;
    res.json({
      sub: `${org.instanceUrl}/id/${org.orgId}/${u.id}`,
      user_id: u.id,
      organization_id: org.orgId,
      preferred_username: u.username,
      nickname: u.username.split('@')[0],
      name: `${u.firstName} ${u.lastName}`,
      email: u.email,
      email_verified: true,
      given_name: u.firstName,
      family_name: u.lastName,
      zoneinfo: 'GMT',
      photos: {
        picture: `${org.instanceUrl}/img/userprofile/default_profile_200_v2.png`,
        thumbnail: `${org.instanceUrl}/img/userprofile/default_profile_45_v2.png`,
      },
      profile: `${org.instanceUrl}/${u.id}`,
      picture: `${org.instanceUrl}/img/userprofile/default_profile_200_v2.png`,
      address: {},
      is_salesforce_integration_user: u.role === 'integration',
      urls: urls(u),
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      updated_at: new Date(org.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      is_app_installed: true,
    });
  };
  r.get('/services/oauth2/userinfo', userinfo);
  r.post('/services/oauth2/userinfo', userinfo);

  r.get('/id/:orgId/:userId', (req, res) => {
    const a = authed(req, res);
    if (!a) return;
    const u = org.userById(String(req.params.userId));
    if (!u || req.params.orgId !== org.orgId) {
      res.status(404).json([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
      return;
    }
    res.json({
      id: `${org.instanceUrl}/id/${org.orgId}/${u.id}`,
      asserted_user: a.user.id === u.id,
      user_id: u.id,
      organization_id: org.orgId,
      username: u.username,
      nick_name: u.username.split('@')[0],
      display_name: `${u.firstName} ${u.lastName}`,
      email: u.email,
      email_verified: true,
      first_name: u.firstName,
      last_name: u.lastName,
      timezone: 'GMT',
      photos: {
        picture: `${org.instanceUrl}/img/userprofile/default_profile_200_v2.png`,
        thumbnail: `${org.instanceUrl}/img/userprofile/default_profile_45_v2.png`,
      },
      addr_street: null,
      addr_city: null,
      addr_state: null,
      addr_country: null,
      addr_zip: null,
      mobile_phone: null,
      mobile_phone_verified: false,
      is_lightning_login_user: false,
      status: { created_date: null, body: null },
      urls: urls(u),
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      last_modified_date: new Date(org.clock.now()).toISOString().replace('Z', '+0000'),
      is_app_installed: true,
    });
  });

  return r;
}
