/**
 * A fake network between the API client and an in-process Hono app (tests
 * only): `app.request` as `fetch`, with a cookie jar so the login cookie
 * carries over, and switches for the faults sync must survive.
 *
 *   const net = createCookieFetch(server.app);
 *   const api = createApiClient({ fetch: net.fetch });
 *   net.offline = true;            // every request rejects like a browser offline
 *   net.dropNextResponses(1);      // the server handles it, the client sees a network error
 *   net.intercept = (req) => …;    // answer some requests without the server (e.g. 413)
 */

export interface AppLike {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: Headers;
  /** The answer's status; undefined when the request never reached the app or its answer was dropped. */
  status?: number;
  dropped?: boolean;
}

export interface FakeNetwork {
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  /** When true, every request rejects with a TypeError, as fetch does offline. */
  offline: boolean;
  /** The next `n` requests reach the app, but their answers are lost. */
  dropNextResponses(n?: number): void;
  /** Answer a request without the app (return undefined to pass it on). */
  intercept:
    | ((req: {
        method: string;
        path: string;
        init: RequestInit;
      }) => Response | undefined | Promise<Response | undefined>)
    | null;
  /** Every request made, in order. */
  requests: SeenRequest[];
  /** Cookie name → value. */
  cookies: Map<string, string>;
}

function setCookies(res: Response): string[] {
  const h = res.headers as Headers & { getSetCookie?: () => string[] };
  if (typeof h.getSetCookie === 'function') return h.getSetCookie();
  const one = res.headers.get('set-cookie');
  return one ? [one] : [];
}

export function createCookieFetch(app: AppLike): FakeNetwork {
  let drop = 0;
  const net: FakeNetwork = {
    offline: false,
    intercept: null,
    requests: [],
    cookies: new Map(),
    dropNextResponses(n = 1) {
      drop += n;
    },
    async fetch(input, init) {
      const method = (init.method ?? 'GET').toUpperCase();
      const headers = new Headers(init.headers);
      const seen: SeenRequest = { method, path: input, headers };
      net.requests.push(seen);
      if (net.offline) throw new TypeError('Failed to fetch');
      const intercepted = await net.intercept?.({ method, path: input, init });
      if (intercepted) {
        seen.status = intercepted.status;
        return intercepted;
      }
      if (net.cookies.size > 0) {
        headers.set('cookie', [...net.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
      }
      const res = await app.request(input, { ...init, headers });
      if (drop > 0) {
        drop--;
        await res.arrayBuffer(); // the server finished its work; the answer is lost on the way
        seen.dropped = true;
        throw new TypeError('network connection lost');
      }
      for (const line of setCookies(res)) {
        const [pair = '', ...attrs] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        const expired = attrs.some(
          (a) =>
            /^\s*max-age=0\s*$/i.test(a) ||
            (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now()),
        );
        if (expired || value === '') net.cookies.delete(name);
        else net.cookies.set(name, value);
      }
      seen.status = res.status;
      return res;
    },
  };
  return net;
}
