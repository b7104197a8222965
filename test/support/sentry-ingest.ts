import { gunzipSync } from "node:zlib";

/** One item of an envelope: its header line and its payload, parsed when it is JSON. */
export interface EnvelopeItem {
  header: { type: string; length?: number; [key: string]: unknown };
  payload: unknown;
}

/** One envelope as it arrived: the raw (decompressed) bytes and its parsed parts. */
export interface Envelope {
  project: string;
  raw: string;
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

/** A Sentry error event as the ingest received it; only the fields the tests read. */
export interface SentryEvent {
  event_id: string;
  transaction?: string;
  message?: string;
  level?: string;
  tags?: Record<string, string>;
  user?: Record<string, unknown>;
  extra?: Record<string, unknown>;
  request?: Record<string, unknown>;
  exception?: { values?: { type?: string; value?: string }[] };
  contexts?: Record<string, Record<string, unknown>>;
  environment?: string;
  release?: string;
}

/** A streamed span (span v2 item). */
export interface SentrySpan {
  name: string;
  status: "ok" | "error";
  is_segment: boolean;
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  attributes: Record<string, { type: string; value: unknown }>;
}

const decoder = new TextDecoder();

/** Splits an envelope body into header and items, honouring each item's `length` when given. */
export const parseEnvelope = (bytes: Uint8Array, project = ""): Envelope => {
  let offset = 0;
  const line = () => {
    const end = bytes.indexOf(0x0a, offset);
    const stop = end === -1 ? bytes.length : end;
    const text = decoder.decode(bytes.subarray(offset, stop));
    offset = stop + 1;
    return text;
  };
  const header = JSON.parse(line()) as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  while (offset < bytes.length) {
    const headerLine = line();
    if (!headerLine.trim()) continue;
    const itemHeader = JSON.parse(headerLine) as EnvelopeItem["header"];
    let body: string;
    if (typeof itemHeader.length === "number") {
      body = decoder.decode(bytes.subarray(offset, offset + itemHeader.length));
      offset += itemHeader.length + 1;
    } else {
      body = line();
    }
    let payload: unknown = body;
    try {
      payload = JSON.parse(body);
    } catch {}
    items.push({ header: itemHeader, payload });
  }
  return { project, raw: decoder.decode(bytes), header, items };
};

/**
 * A local stand-in for Sentry's ingest: `POST /api/<project>/envelope/` on 127.0.0.1, gunzipping
 * when asked, keeping every envelope in arrival order. The caller stops it (register that
 * `afterAll` at describe level: one registered inside a `beforeAll` runs too early).
 *
 * @example
 * const ingest = await startSentryIngest();
 * afterAll(() => ingest.stop());
 * const env = { SENTRY_DSN: ingest.dsn };
 * await ingest.waitFor(() => ingest.events().length === 1);
 */
export const startSentryIngest = async () => {
  const envelopes: Envelope[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) => {
      const match = /^\/api\/([^/]+)\/envelope\/?$/.exec(new URL(req.url).pathname);
      if (req.method !== "POST" || !match?.[1]) return new Response("not found", { status: 404 });
      let bytes = new Uint8Array(await req.arrayBuffer());
      if (req.headers.get("content-encoding") === "gzip") bytes = new Uint8Array(gunzipSync(bytes));
      envelopes.push(parseEnvelope(bytes, match[1]));
      return Response.json({});
    },
  });

  const payloads = <T>(type: string) =>
    envelopes.flatMap((e) => e.items.filter((i) => i.header.type === type).map((i) => i.payload as T));

  const ingest = {
    dsn: `http://public@127.0.0.1:${server.port}/1`,
    envelopes,
    /** Error and message events. */
    events: () => payloads<SentryEvent>("event"),
    /** Every streamed span, from all span containers. */
    spans: () => payloads<{ items: SentrySpan[] }>("span").flatMap((c) => c.items),
    /** Transactions, when the static trace lifecycle is used. */
    transactions: () => payloads<SentryEvent>("transaction"),
    /** Every byte received, decompressed, for privacy assertions. */
    rawText: () => envelopes.map((e) => e.raw).join("\n"),
    clear: () => {
      envelopes.length = 0;
    },
    /** Polls until `done()` holds, failing with what arrived when `timeoutMs` passes. */
    waitFor: async (done: () => boolean, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() > deadline) {
          throw new Error(
            `sentry ingest: condition not met within ${timeoutMs} ms; received ${envelopes.length} envelopes with ` +
              `${ingest.events().length} events and ${ingest.spans().length} spans`,
          );
        }
        await Bun.sleep(25);
      }
    },
    stop: () => server.stop(true),
  };
  return ingest;
};

export type SentryIngest = Awaited<ReturnType<typeof startSentryIngest>>;
