import { createHash } from "node:crypto";
import { BoundedMap } from "../core/rateLimit.ts";

export interface CredentialSource {
  /** The stored hash of an active (not revoked) vehicle, or null. */
  activeHash(vin: string): Promise<string | null>;
}

export interface AuthenticatorOptions {
  readonly source: CredentialSource;
  readonly verify: (secret: string, hash: string) => Promise<boolean>;
  readonly now: () => number;
  /** How long a verified secret is trusted without asking PostgreSQL again (upper bound on revocation delay). */
  readonly ttlMs: number;
  readonly capacity: number;
}

/**
 * Verifies vehicle secrets, remembering recent successes (as a SHA-256 of the secret, never the secret) so a
 * reconnect storm is not one scrypt per vehicle. Bounded (oldest evicted) and revocation-aware: `evict(vin)`
 * on a revocation notice, and entries expire after `ttlMs` in case a notice is missed.
 */
export function createAuthenticator(options: AuthenticatorOptions) {
  const cache = new BoundedMap<string, { digest: string; expiresAt: number }>(options.capacity);
  const pending = new Map<string, Promise<boolean>>();
  const digestOf = (vin: string, secret: string) => createHash("sha256").update(vin).update("\0").update(secret).digest("base64");

  async function verifyUncached(vin: string, secret: string, digest: string): Promise<boolean> {
    const hash = await options.source.activeHash(vin);
    if (hash === null || !(await options.verify(secret, hash))) return false;
    cache.set(vin, { digest, expiresAt: options.now() + options.ttlMs });
    return true;
  }

  return {
    /** True when `secret` is the active credential of `vin`. Concurrent identical attempts share one check. */
    async authenticate(vin: string, secret: string): Promise<boolean> {
      const digest = digestOf(vin, secret);
      const cached = cache.get(vin);
      if (cached && cached.digest === digest && cached.expiresAt > options.now()) return true;
      const key = `${vin}:${digest}`;
      const inFlight = pending.get(key);
      if (inFlight) return inFlight;
      const check = verifyUncached(vin, secret, digest).finally(() => pending.delete(key));
      pending.set(key, check);
      return check;
    },
    evict(vin: string): void {
      cache.delete(vin);
    },
    get size(): number {
      return cache.size;
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
