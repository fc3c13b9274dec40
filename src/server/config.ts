/** The server's configuration, from the environment. */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { resolve } from 'node:path';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  staticDir: string;
  /** Create the demo commune and users (password `sotay-demo`) on an empty database. */
  demo: boolean;
  /** Behind a reverse proxy: the client address is the last `X-Forwarded-For` entry. */
  trustProxy: boolean;
}

const IPV6_LOOPBACK = new BlockList();
IPV6_LOOPBACK.addAddress('::1', 'ipv6');
IPV6_LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/**
 * True when `host` only accepts connections from this machine: 127.0.0.0/8,
 * ::1 (also IPv4-mapped, also in brackets) or `localhost`. `0.0.0.0`, `::`,
 * an empty host and any other name or address are not.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === 'localhost.') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) return IPV6_LOOPBACK.check(h, 'ipv6');
  return false;
}

const ON = ['1', 'on', 'true', 'yes'];
const OFF = ['0', 'off', 'false', 'no'];

/**
 * Reads the configuration from the environment.
 * @throws on a PORT or SOTAY_DEMO that means nothing
 */
export function readConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const host = env.HOST ?? '127.0.0.1';
  // The demo password is documented: by default only where nobody else can reach it.
  const demoSetting = (env.SOTAY_DEMO ?? '').trim().toLowerCase();
  let demo: boolean;
  if (demoSetting === '') demo = isLoopbackHost(host);
  else if (ON.includes(demoSetting)) demo = true;
  else if (OFF.includes(demoSetting)) demo = false;
  else throw new Error(`SOTAY_DEMO must be 1 or 0, got ${env.SOTAY_DEMO}`);
  const proxySetting = (env.SOTAY_TRUST_PROXY ?? '').trim().toLowerCase();
  if (proxySetting !== '' && !ON.includes(proxySetting) && !OFF.includes(proxySetting))
    throw new Error(`SOTAY_TRUST_PROXY must be 1 or 0, got ${env.SOTAY_TRUST_PROXY}`);
  return {
    port,
    host,
    dataDir: resolve(env.SOTAY_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    staticDir: resolve(env.SOTAY_STATIC_DIR ?? './dist'),
    demo,
    trustProxy: ON.includes(proxySetting),
  };
}
