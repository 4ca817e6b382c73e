import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../auth/role.decorator';
import { RateLimitedProblem } from '../common/problems';
import { API_DEPS, type ApiDeps } from '../tokens';

/** Above this many buckets, full ones (keys idle for a second or more) are dropped. */
const PRUNE_ABOVE = 10_000;

interface Bucket {
  tokens: number;
  /** `performance.now()` of the last refill. */
  at: number;
}

/**
 * Token buckets, one per key: each holds up to `rate` tokens (a burst of one second's worth),
 * refilled at `rate` per second; a request takes one.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token of `key`: 0 when it had one, else the seconds until it will (at least 1). */
  take(key: string): number {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= PRUNE_ABOVE) this.prune(now);
      bucket = { tokens: this.rate, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.rate, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate));
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.rate >= this.rate) this.buckets.delete(key);
    }
  }
}

/**
 * `OPSFLOW_INGEST_RATE_LIMIT` on `POST /v1/events`, per authenticated key (the admin token is
 * one key): over it, 429 problem+json with `Retry-After`, and nothing is stored.
 *
 * A Nest guard rather than `@fastify/rate-limit`: that plugin runs in Fastify's `onRequest` /
 * `preHandler` hooks, which come before Nest's guards, so it cannot key by the key id the auth
 * guard resolves; keying it by the raw bearer token instead would let any made-up token open a
 * bucket and answer 429 where the caller deserves 401. Method guards run after the app-wide
 * auth guard, so here the principal is known and only real keys get buckets.
 */
@Injectable()
export class IngestRateLimitGuard implements CanActivate {
  private readonly buckets: TokenBuckets | undefined;

  constructor(@Inject(API_DEPS) deps: ApiDeps) {
    const rate = deps.config.ingestRateLimit;
    this.buckets = rate > 0 ? new TokenBuckets(rate) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.buckets) return true;
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    // The auth guard ran first and refused anonymous callers; this is its invariant.
    if (!principal) throw new Error('the ingest rate limit runs after authentication');
    const retryAfter = this.buckets.take(principal.id);
    if (retryAfter > 0) throw new RateLimitedProblem(retryAfter);
    return true;
  }
}
