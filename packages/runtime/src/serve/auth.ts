/**
 * Optional bearer token (`GC_SERVE_TOKEN` in the daemon's environment) on every route except the
 * health probes (`/v2/health/*`), so load balancers and systemd watchdogs need no secret, and the demo
 * page's static files (`/`, `/demo/*`: the page then asks for the token to call the API).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { GcError } from '@gc-edge/core';

export const TOKEN_ENV = 'GC_SERVE_TOKEN';

/** The health probes (`/v2/health/live`, `/v2/health/ready`): no token, any Host name, logged at debug. */
export function isHealthPath(url: string): boolean {
  const path = url.split('?', 1)[0]!;
  return path === '/v2/health/live' || path === '/v2/health/ready';
}

/** Paths reachable without the token: the health probes and the demo page's static files (no data). */
export function isPublicPath(url: string): boolean {
  const path = url.split('?', 1)[0]!;
  return path === '/' || path === '/demo' || path.startsWith('/demo/') || isHealthPath(path);
}

/** Returns a checker for `Authorization` headers; throws E_UNAUTHORIZED when it does not match. */
export function bearerChecker(token: string): (authorization: string | undefined) => void {
  const expected = digest(token);
  return (authorization) => {
    const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!m) {
      throw new GcError('E_UNAUTHORIZED', 'missing bearer token', {
        hint: `send 'Authorization: Bearer <token>' with the token in the daemon's ${TOKEN_ENV}`,
      });
    }
    // Compare digests so the comparison time depends on neither length nor content.
    if (!timingSafeEqual(digest(m[1]!.trim()), expected)) throw new GcError('E_UNAUTHORIZED', 'bearer token does not match');
  };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
