/**
 * Outgoing HTTP for user-supplied URLs (input images, callback URLs), with the guards a service needs
 * against server-side request forgery:
 *
 * - only http: and https:, no credentials in the URL;
 * - the address actually connected to is checked, not just the name: the check runs inside the socket's
 *   DNS lookup, so a name that resolves (or re-resolves, "DNS rebinding") to a loopback, private,
 *   link-local or otherwise special address is refused; literal IPs are checked before connecting;
 * - every redirect hop is checked again, and there are few of them;
 * - the response body is bounded while it streams, and the whole exchange has a deadline.
 *
 * `allowPrivate` lifts the address check, for trusted networks and tests.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { CinesimError, ERRORS, isCinesimError } from '../../errors.ts';

export interface UrlPolicy {
  readonly allowPrivate: boolean;
}

/** Addresses no user URL may reach: this host, private networks, link-local (cloud metadata), multicast, reserved. */
const FORBIDDEN = (() => {
  const list = new BlockList();
  const v4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
    '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4'];
  // IPv4-mapped addresses (::ffff:a.b.c.d) are matched against the IPv4 rules by BlockList itself.
  const v6 = ['::/127', '64:ff9b::/96', '64:ff9b:1::/48', '100::/64', '2001::/23', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'ff00::/8'];
  for (const cidr of v4) list.addSubnet(cidr.split('/')[0], Number(cidr.split('/')[1]), 'ipv4');
  for (const cidr of v6) list.addSubnet(cidr.split('/')[0], Number(cidr.split('/')[1]), 'ipv6');
  return list;
})();

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address at all
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function forbidden(param: string, why: string): CinesimError {
  return new CinesimError(ERRORS.URL_FORBIDDEN, `${param}: ${why}`, { param });
}

/** Parses and checks a URL's form and (for literal IPs) its address; names are checked when resolved. */
export function checkUrl(raw: string, param: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CinesimError(ERRORS.INVALID_ARGUMENT, `${param}: not a valid URL`, { param });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw forbidden(param, `only http and https URLs are allowed, got ${url.protocol}`);
  if (url.username || url.password) throw forbidden(param, 'URLs with credentials are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, ''); // the WHATWG parser already turned 2130706433 and 0x7f.1 into 127.0.0.1
  if (!policy.allowPrivate && isIP(host) !== 0 && isForbiddenAddress(host)) {
    throw forbidden(param, `${host} is a loopback, private, link-local or reserved address`);
  }
  return url;
}

/**
 * `checkUrl` plus a DNS check of its host now, for URLs kept for later (callback URLs), so a bad one is the
 * caller's 400 at once; the guarded lookup checks again when the URL is used.
 */
export async function checkUrlNow(raw: string, param: string, policy: UrlPolicy): Promise<URL> {
  const url = checkUrl(raw, param, policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (policy.allowPrivate || isIP(host) !== 0) return url;
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
  ).catch((cause: Error) => {
    throw new CinesimError(ERRORS.INVALID_ARGUMENT, `${param}: cannot resolve ${host} (${cause.message})`, { param, cause });
  });
  const bad = addresses.find((a) => isForbiddenAddress(a.address));
  if (bad) throw forbidden(param, `${host} resolves to ${bad.address}, a loopback, private, link-local or reserved address`);
  return url;
}

/** A DNS lookup that refuses forbidden addresses: the check happens on the address the socket will use. */
function guardedLookup(policy: UrlPolicy, param: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const bad = policy.allowPrivate ? undefined : addresses.find((a) => isForbiddenAddress(a.address));
      if (bad) return callback(forbidden(param, `${hostname} resolves to ${bad.address}, a loopback, private, link-local or reserved address`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

export interface FetchOptions {
  readonly policy: UrlPolicy;
  /** The request field the URL came from, for errors. */
  readonly param: string;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface FetchResult {
  readonly url: URL;
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Fetches `raw` under the policy; a non-2xx final status is returned, not thrown. */
export async function safeFetch(raw: string | URL, options: FetchOptions): Promise<FetchResult> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  let url = typeof raw === 'string' ? checkUrl(raw, options.param, options.policy) : raw;
  for (let hop = 0; ; hop++) {
    const result = await requestOnce(url, options, deadline);
    const location = result.headers.location;
    if (result.status < 300 || result.status >= 400 || result.status === 304 || !location) return result;
    if (hop >= options.maxRedirects) {
      throw new CinesimError(ERRORS.FETCH_FAILED, `${options.param}: more than ${options.maxRedirects} redirects`, { param: options.param });
    }
    url = checkUrl(new URL(location, url).href, options.param, options.policy);
  }
}

function requestOnce(url: URL, options: FetchOptions, signal: AbortSignal): Promise<FetchResult> {
  const { param, maxBytes } = options;
  const failed = (why: string, cause?: unknown) => new CinesimError(ERRORS.FETCH_FAILED, `${param}: could not fetch ${url.origin}${url.pathname}: ${why}`, { param, cause });
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, lookup: guardedLookup(options.policy, param), signal, agent: false },
      (response) => {
        const declared = Number(response.headers['content-length'] ?? 0);
        const tooLarge = () => new CinesimError(ERRORS.PAYLOAD_TOO_LARGE, `${param}: the file is larger than ${maxBytes} bytes`, { param });
        if (declared > maxBytes) {
          request.destroy();
          return reject(tooLarge());
        }
        const chunks: Buffer[] = [];
        let total = 0;
        response.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) {
            request.destroy();
            reject(tooLarge());
          } else chunks.push(chunk);
        });
        response.on('end', () => resolve({ url, status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', (error) => reject(failed(error.message, error)));
      },
    );
    request.on('error', (error) => {
      if (isCinesimError(error)) return reject(error); // the lookup guard's refusal
      reject(failed(signal.aborted ? `no answer within ${options.timeoutMs} ms` : error.message, error));
    });
    request.end(options.body);
  });
}
