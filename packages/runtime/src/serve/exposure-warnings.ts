/**
 * The start-up warnings about how exposed the daemon is: bound beyond loopback without a bearer
 * token (anyone on the network can run and reload models), or with a token but over plain HTTP (the
 * token crosses the network in clear).
 */
import { TOKEN_ENV } from './auth';
import { isLoopback } from './exposure';
import type { ResolvedServeOptions } from './options';

export function exposureWarnings(o: Pick<ResolvedServeOptions, 'host' | 'token' | 'tls'>): string[] {
  if (isLoopback(o.host)) return [];
  if (!o.token) {
    return [
      `warning: listening on ${o.host} without a bearer token: anyone who can reach this address can run and reload models; set ${TOKEN_ENV} (and --tls-cert/--tls-key)`,
    ];
  }
  if (!o.tls) {
    return [`warning: listening on ${o.host} over plain HTTP: the bearer token crosses the network in clear; add --tls-cert and --tls-key`];
  }
  return [];
}
