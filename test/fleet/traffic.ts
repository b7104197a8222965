/**
 * A client of the fleet: a few workers, each creating notes (every create with its own
 * `Idempotency-Key`) and reading back notes it was told exist, until stopped. A create is retried,
 * with the same key and body, only on a connection error or a 503; a 409 (the same key still in
 * flight) is the client's own doing and retried too. Anything else that is not a 2xx is recorded.
 */
export interface Figures {
  /** Every request sent, retries included. */
  requests: number;
  /** Requests that got no response (connection refused or reset) or a 503: each was retried. */
  failed: number;
  /** Non-2xx responses the client did not cause, as `METHOD status body`. */
  unexpected: string[];
  /** 409s to a retried create whose first try was still in flight. */
  clientCaused: number;
  /** Creates answered 201, by key: the note the service acknowledged. */
  acknowledged: Map<string, string>;
  reads: number;
}

export interface Traffic {
  figures: Figures;
  /** Stops every worker after its current request and resolves with the figures. */
  stop: () => Promise<Figures>;
}

const RETRY_PAUSE_MS = 100;
/** A request still failing after this many tries (10 s) is given up and recorded. */
const MAX_TRIES = 100;
/** Bounds: no worker sends more than this many requests, nor keeps a request longer. */
const MAX_REQUESTS_PER_WORKER = 20_000;
const REQUEST_TIMEOUT_MS = 15_000;

export const startTraffic = ({
  url,
  headers,
  workers = 4,
  prefix,
}: {
  url: string;
  headers: Record<string, string>;
  workers?: number;
  /** Keeps keys (and titles) unique across scenarios sharing a database. */
  prefix: string;
}): Traffic => {
  const figures: Figures = {
    requests: 0,
    failed: 0,
    unexpected: [],
    clientCaused: 0,
    acknowledged: new Map(),
    reads: 0,
  };
  let stopped = false;
  const ids: string[] = [];

  /** One request, retried on a connection error, a 503 or (for creates) a 409; undefined when it failed. */
  const send = async (method: "GET" | "POST", path: string, init: RequestInit = {}) => {
    for (let tries = 1; ; tries++) {
      figures.requests++;
      try {
        const res = await fetch(url + path, {
          method,
          headers,
          ...init,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await res.text();
        if (res.ok) return { status: res.status, text };
        if (res.status === 409 && method === "POST") figures.clientCaused++;
        else if (res.status === 503) figures.failed++;
        else {
          figures.unexpected.push(`${method} ${path} ${res.status} ${text.slice(0, 200)}`);
          return undefined;
        }
      } catch {
        figures.failed++;
      }
      if (tries === MAX_TRIES) {
        figures.unexpected.push(`${method} ${path} given up after ${tries} tries`);
        return undefined;
      }
      await Bun.sleep(RETRY_PAUSE_MS);
    }
  };

  const worker = async (w: number) => {
    for (let n = 0; !stopped && n < MAX_REQUESTS_PER_WORKER / 2; n++) {
      const key = `${prefix}-${w}-${n}`;
      const created = await send("POST", "/v1/notes", {
        headers: { ...headers, "Idempotency-Key": key },
        body: JSON.stringify({ title: key, body: `written by worker ${w}` }),
      });
      if (created) {
        const id = (JSON.parse(created.text) as { id: string }).id;
        figures.acknowledged.set(key, id);
        ids.push(id);
      }
      const id = ids[Math.floor(Math.random() * ids.length)];
      if (id && (await send("GET", `/v1/notes/${id}`))) figures.reads++;
    }
  };

  const running = Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return {
    figures,
    stop: async () => {
      stopped = true;
      await running;
      return figures;
    },
  };
};
