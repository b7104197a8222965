import type { Context } from "hono";

/** How far to trust what proxies say about the client: TRUST_PROXY. */
export type TrustProxy = "none" | "fly" | "first-hop";

interface PeerSources {
  /** Bun passes its server as the app's env: `server.requestIP(request)`. */
  requestIP?: (request: Request) => { address: string } | null;
  /** @hono/node-server passes the Node request as `incoming`. */
  incoming?: { socket?: { remoteAddress?: string } };
}

// Duck-typed so the app imports no runtime: each adapter hands its own peer source in `c.env`.
const peerAddress = (c: Context): string | undefined => {
  const env = c.env as PeerSources | undefined;
  try {
    return env?.requestIP?.(c.req.raw)?.address ?? env?.incoming?.socket?.remoteAddress;
  } catch {
    return undefined;
  }
};

const MAX_ADDRESS = 64;

/**
 * The client's address as TRUST_PROXY says to read it: `none` the TCP peer; `fly` the
 * `Fly-Client-IP` header Fly's proxy sets (it overwrites any the client sent); `first-hop` the
 * last `X-Forwarded-For` entry, the one our single trusted proxy appended. Falls back to the
 * peer, then to "unknown".
 */
export const clientAddress = (c: Context, trust: TrustProxy): string => {
  let address: string | undefined;
  if (trust === "fly") address = c.req.header("fly-client-ip")?.trim();
  if (trust === "first-hop") {
    address = c.req
      .header("x-forwarded-for")
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1);
  }
  address ||= peerAddress(c);
  return address ? address.slice(0, MAX_ADDRESS) : "unknown";
};
