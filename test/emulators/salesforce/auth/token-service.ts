import { randomBytes } from 'node:crypto';
import type { AccessTokenInfo, TokenVerifier } from '../org-contract';

/** Opaque token material in Salesforce's alphabet (`[A-Za-z0-9._]`). */
function material(bytes: number): string {
  return randomBytes(bytes).toString('base64url').replace(/-/g, '.');
}

/** Access tokens shaped `00D…!AQ…` (expiring on the org clock, revocable) and refresh tokens `5Aep…`. */
export class TokenService implements TokenVerifier {
  private readonly access = new Map<string, AccessTokenInfo>();
  private readonly refresh = new Map<string, string>();

  constructor(
    private readonly orgId: string,
    private readonly now: () => number,
    public sessionTtlMs: number,
  ) {}

  issue(userId: string): AccessTokenInfo {
    const issuedAt = this.now();
    const token = `${this.orgId.slice(0, 15)}!AQ${material(72)}`;
    const info: AccessTokenInfo = {
      token,
      userId,
      orgId: this.orgId,
      issuedAt,
      expiresAt: issuedAt + this.sessionTtlMs,
    };
    this.access.set(token, info);
    return info;
  }

  issueRefreshToken(userId: string): string {
    const token = `5Aep861${material(60)}`;
    this.refresh.set(token, userId);
    return token;
  }

  refreshUser(token: string): string | undefined {
    return this.refresh.get(token);
  }

  verify(token: string): AccessTokenInfo | undefined {
    const info = this.access.get(token);
    if (!info) return undefined;
    if (this.now() >= info.expiresAt) {
      this.access.delete(token);
      return undefined;
    }
    return info;
  }

  /** Revokes an access or refresh token (revoking a refresh token also ends nothing else, like Salesforce's per-token revoke). */
  revoke(token: string): boolean {
    return this.access.delete(token) || this.refresh.delete(token);
  }

  /** Every current access token becomes invalid; refresh tokens and new grants still work. */
  expireAll(): number {
    const n = this.access.size;
    this.access.clear();
    return n;
  }

  clear(): void {
    this.access.clear();
    this.refresh.clear();
  }
}
