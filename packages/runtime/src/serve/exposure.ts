/**
 * What a browser page may do to the daemon, checked on every request before any route runs:
 * - **Host** (DNS rebinding): bound to a loopback address, the daemon answers only Host names that
 *   are loopback (`127.0.0.1`, `localhost`, `[::1]`, any port) or given with `--allowed-host`; a page
 *   whose name was re-pointed at 127.0.0.1 sends its own name and gets 421 `E_HOST`. Bound to any
 *   other address every Host is taken, unless `--allowed-host` is given: then those names, loopback
 *   names and IP literals (a rebinding page always sends a name). Health probes are exempt.
 * - **Cross-site requests** (CSRF): a POST, PUT, PATCH, DELETE or WebSocket upgrade whose `Origin`
 *   is not the daemon's own (scheme-default ports aside, host and port as the `Host` header says, or
 *   a name given with `--allowed-host`: a reverse proxy's),
 *   or that a browser marks `Sec-Fetch-Site: cross-site` / `same-site`, gets 403 `E_CROSS_SITE`.
 *   Same-origin pages (the daemon's own) and clients that are not browsers (no Origin) pass.
 * - **Repository requests** (`POST /v2/repository/...`) take no body or a JSON one: a form's
 *   `text/plain` or urlencoded body is 415, a body that is not JSON 400.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GcError } from '@gc-edge/core';
import { isHealthPath } from './auth';

export interface ExposureOptions {
  /** The address the daemon binds (--host). */
  readonly host: string;
  /** --allowed-host names; `.example.com` also allows every name under example.com. */
  readonly allowedHosts: readonly string[];
}

/** Registers the checks as the first hooks of every request (register before the token's). */
export function exposureHooks(app: FastifyInstance, options: ExposureOptions): void {
  for (const h of options.allowedHosts) checkAllowedHost(h);
  const hostAllowed = hostPolicy(options);
  const listed = listedHost(options.allowedHosts);
  app.addHook('onRequest', async (req) => {
    if (!isHealthPath(req.url)) checkHost(req, hostAllowed, options);
    if (changesState(req)) checkSameOrigin(req, listed);
  });
  app.addHook('preValidation', async (req) => {
    if (req.method === 'POST' && req.routeOptions.url?.startsWith('/v2/repository/')) checkRepositoryBody(req);
  });
}

/** True for loopback addresses and `localhost` (what --host may be bound to). */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The host name of a Host header value (`[::1]:8080` -> `::1`, `Example.com.:80` -> `example.com`), or undefined when malformed. */
export function hostName(value: string): string | undefined {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s/@]+))(?::\d{1,5})?$/i.exec(value.trim());
  const name = m?.[1] ?? m?.[2];
  return name === undefined ? undefined : name.toLowerCase().replace(/\.$/, '');
}

/** Which Host names the daemon answers; undefined: every one. */
function hostPolicy(options: ExposureOptions): ((name: string) => boolean) | undefined {
  const listed = listedHost(options.allowedHosts);
  if (isLoopback(options.host)) return (name) => isLoopback(name) || listed(name);
  if (options.allowedHosts.length === 0) return undefined;
  return (name) => isLoopback(name) || isIpLiteral(name) || listed(name);
}

/** An --allowed-host value is a bare name (`gc.example`, `.example.com`, an IP): E_ARGS quoting it otherwise. */
function checkAllowedHost(value: string): void {
  const name = value.startsWith('.') ? value.slice(1) : value;
  if (hostName(name) === name.toLowerCase().replace(/\.$/, '') && !/:\d+$/.test(name) && name !== '') return;
  throw new GcError('E_ARGS', `--allowed-host '${value.slice(0, 80)}': expected a host name without scheme, port or path`, {
    hint: 'e.g. --allowed-host jetson.local, or --allowed-host .example.com for every name under example.com',
  });
}

/** Whether a host name is one of the --allowed-host names (`.example.com`: it and every name under it). */
function listedHost(allowedHosts: readonly string[]): (name: string) => boolean {
  const allowed = allowedHosts.map((h) => h.toLowerCase().replace(/\.$/, ''));
  return (name) => allowed.some((a) => (a.startsWith('.') ? name === a.slice(1) || name.endsWith(a) : name === a));
}

function isIpLiteral(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || (name.includes(':') && /^[0-9a-f:.]+$/.test(name));
}

function checkHost(req: FastifyRequest, allowed: ((name: string) => boolean) | undefined, options: ExposureOptions): void {
  if (!allowed) return;
  const value = req.headers.host;
  // HTTP/1.0 clients may send none; a browser always does, so none is no rebinding.
  if (value === undefined) return;
  const name = hostName(value);
  if (name !== undefined && allowed(name)) return;
  const shown = `'${value.slice(0, 80)}'`;
  throw new GcError('E_HOST', `Host ${shown} is not a name this daemon answers (bound to ${options.host})`, {
    hint: isLoopback(options.host)
      ? `call it as 127.0.0.1, localhost or [::1]; to answer another name (a reverse proxy's), ` +
        `start gc-serve with --allowed-host ${name ?? 'NAME'}`
      : `start gc-serve with --allowed-host ${name ?? 'NAME'} to answer this name`,
  });
}

/** Requests a page could use to change or use the daemon: every method but GET/HEAD/OPTIONS, and WebSocket upgrades. */
function changesState(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') return true;
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

const CROSS_SITE_HINT =
  'gc-serve takes these requests only from its own origin or from clients that are not browsers; ' +
  'serve the page from the same origin (a reverse proxy in front of both), or call gc-serve from a server';

/**
 * The Origin must be the daemon's own: the host and port of its Host header, or a name given with
 * --allowed-host (a reverse proxy that serves the page under its name and passes another Host on).
 */
function checkSameOrigin(req: FastifyRequest, listed: (name: string) => boolean): void {
  const fetchSite = req.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') {
    throw new GcError('E_CROSS_SITE', `${req.method} refused: the browser says the request is ${fetchSite} (Sec-Fetch-Site)`, {
      hint: CROSS_SITE_HINT,
    });
  }
  const origin = req.headers.origin;
  if (origin === undefined) return;
  if (!sameOrigin(origin, req.headers.host) && !listed(originName(origin))) {
    throw new GcError(
      'E_CROSS_SITE',
      `${req.method} refused: Origin '${origin.slice(0, 80)}' is not this daemon's origin (Host '${(req.headers.host ?? '').slice(0, 80)}')`,
      { hint: CROSS_SITE_HINT },
    );
  }
}

/** Whether a request's Origin names the host and port its Host header does (ports per the Origin's scheme). */
export function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined || origin === 'null') return false;
  try {
    const o = new URL(origin);
    if (o.protocol !== 'http:' && o.protocol !== 'https:') return false;
    return o.host === new URL(`${o.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

/** The host name of an Origin (`https://GC.example:8443` -> `gc.example`); '' when it has none. */
function originName(origin: string): string {
  try {
    const o = new URL(origin);
    return o.protocol === 'http:' || o.protocol === 'https:' ? o.hostname.toLowerCase().replace(/\.$/, '') : '';
  } catch {
    return '';
  }
}

/** `POST /v2/repository/...`: no body, or a JSON one (no form can send JSON across sites without a preflight). */
function checkRepositoryBody(req: FastifyRequest): void {
  const type = req.headers['content-type'];
  const body = req.body;
  const size = Buffer.isBuffer(body) ? body.length : 0;
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) {
    throw new GcError('E_MEDIA_TYPE', `${req.routeOptions.url ?? req.url}: Content-Type '${type.slice(0, 60)}' is not taken`, {
      hint: 'send no body, or a JSON body with Content-Type: application/json',
    });
  }
  if (size === 0) return;
  try {
    JSON.parse((body as Buffer).toString('utf8'));
  } catch {
    throw new GcError('E_BAD_REQUEST', `${req.routeOptions.url ?? req.url}: the body is not JSON`, {
      hint: 'send no body, or a JSON object such as {}',
    });
  }
}
