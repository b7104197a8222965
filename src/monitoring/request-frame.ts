import { type Context, type ErrorHandler, type Handler, Hono, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../http";
import type { Logger } from "../logger";
import { httpMetrics } from "./metrics/http";
import type { MetricsRegistry } from "./metrics/registry";
import type { Reporter } from "./reporter";
import { requestLog } from "./request-log";
import { requestScope } from "./request-scope";
import { routeLabel } from "./route";

/** Builds an answer that carries the frame's headers from the start. */
export type Answer = (c: Context<AppEnv>, body: string, status: ContentfulStatusCode) => Response;

const HEADER = "X-Request-Id";
const answeredAlready = () => Promise.resolve();
// Hono's `requestId` rule: up to 255 word characters, `-` and `=`; anything else is replaced.
const WELL_FORMED = /^[\w\-=]{1,255}$/;

/**
 * The headers `answerHeaders` puts on an answer, learnt by running it twice on a throwaway app;
 * undefined when the two differ (a per-request nonce) or it fails, so they are never prepared.
 */
const learnHeaders = async (answerHeaders: MiddlewareHandler): Promise<Headers | undefined> => {
  const app = new Hono().use(answerHeaders).get("/", (c) => c.body(null));
  const answer = async () => (await app.request("/")).headers;
  try {
    const [first, second] = await Promise.all([answer(), answer()]);
    return JSON.stringify([...first]) === JSON.stringify([...second]) ? first : undefined;
  } catch {
    // Never prepared: every answer runs the middleware itself, where its error surfaces.
    return undefined;
  }
};

/**
 * Everything done around every request: names it (`c.var.requestId` and the `X-Request-Id`
 * response header, an inbound one kept when it is well-formed), runs it in the reporter's
 * isolation scope (Sentry, when configured), then, once it is answered, puts the answer's
 * headers on it, writes its log line and records its metrics.
 *
 * - `middleware` is the first layer of an app: one layer for all of it, because every request
 *   pays for each layer it passes.
 * - `alone(handler)` runs a handler inside the frame by itself, for a route that needs no other
 *   layer (the probes): Hono calls a route's only handler directly, without its middleware engine.
 * - `answers(headers)` builds answers born with the frame's headers: one native copy of a prepared
 *   set instead of a dozen header writes on every answer.
 *
 * @example
 * const frame = requestFrame({ logger, metrics, reporter, answerHeaders: secureHeaders() });
 * app.use(frame.middleware);
 */
export const requestFrame = ({
  logger,
  metrics,
  reporter,
  answerHeaders,
}: {
  logger?: Logger;
  metrics?: MetricsRegistry;
  reporter?: Reporter;
  /**
   * Middleware that only sets response headers after `next()`, such as `secureHeaders()`: run
   * once the answer exists (errors included), so it adds no wait of its own to the request.
   */
  answerHeaders?: MiddlewareHandler;
}) => {
  const log = logger && requestLog(logger);
  const record = metrics && httpMetrics(metrics);
  const scope = reporter && requestScope(reporter);
  // Answers built by `answers` already carry every header; the rest get them once answered.
  const dressed = new WeakSet<Response>();
  let learnt: Headers | undefined;
  const learning = answerHeaders ? learnHeaders(answerHeaders) : Promise.resolve(new Headers());
  learning.then((headers) => {
    learnt = headers;
  });

  /** Names the request; returns when it began. */
  const open = (c: Context<AppEnv>) => {
    const started = performance.now();
    const inbound = c.req.raw.headers.get(HEADER);
    c.set("requestId", inbound && WELL_FORMED.test(inbound) ? inbound : crypto.randomUUID());
    return started;
  };
  const account = (c: Context<AppEnv>, started: number) => {
    if (!log && !record) return;
    const done = { route: routeLabel(c), durationMs: performance.now() - started };
    record?.(c, done);
    log?.(c, done);
  };
  /**
   * Dresses, logs and counts the answer in `c.res`. Synchronous for an answer built by `answers`,
   * so a probe that answers at once is answered without a single promise.
   */
  const close = (c: Context<AppEnv>, started: number): void | Promise<void> => {
    if (!dressed.has(c.res)) {
      c.res.headers.set(HEADER, c.get("requestId"));
      if (answerHeaders) return answerHeaders(c, answeredAlready).then(() => account(c, started));
    }
    return account(c, started);
  };

  // Not an async function: awaiting `next()` would keep a suspended frame per request across
  // everything the request waits on (the database round trip of a note read, say).
  const middleware: MiddlewareHandler<AppEnv> = function requestFrame(c, next) {
    const started = open(c);
    const answered: Promise<unknown> = scope ? scope(c, next) : next();
    return answered.then(() => close(c, started));
  };

  /** Maps what a handler alone threw to an answer, as Hono's middleware engine would. */
  const failed = (c: Context<AppEnv>, error: unknown, onError: ErrorHandler<AppEnv>) => {
    if (error instanceof Error) c.error = error;
    return onError(error as Error, c);
  };
  /** The handler's answer, or its error's; a promise only when the handler returns one. */
  const answer = (
    c: Context<AppEnv>,
    handler: Handler<AppEnv>,
    onError: ErrorHandler<AppEnv>,
  ): Response | Promise<Response> => {
    try {
      const res = handler(c, answeredAlready) as Response | Promise<Response>;
      return res instanceof Promise ? res.catch((error) => failed(c, error, onError)) : res;
    } catch (error) {
      return failed(c, error, onError);
    }
  };

  const alone =
    (handler: Handler<AppEnv>, onError: ErrorHandler<AppEnv>): Handler<AppEnv> =>
    (c) => {
      // Inside the frame, so the answer (an error's included) is dressed, logged and reported
      // like any other.
      if (scope) {
        const next = () =>
          Promise.resolve(answer(c, handler, onError)).then((res) => {
            c.res = res;
          });
        return middleware(c, next).then(() => c.res);
      }
      const started = open(c);
      const res = answer(c, handler, onError);
      if (res instanceof Promise) {
        return res
          .then((settled) => {
            c.res = settled;
            return close(c, started);
          })
          .then(() => c.res);
      }
      c.res = res;
      const closed = close(c, started);
      return closed ? closed.then(() => c.res) : c.res;
    };

  const answers = (headers: Record<string, string>): Answer => {
    let prepared: Headers | undefined;
    return (c, body, status) => {
      // Until the answer headers are learnt (the first moments of the process), answer plainly;
      // the frame adds them afterwards, as it does to every answer.
      if (!learnt) return c.body(body, status, headers);
      if (!prepared) {
        prepared = new Headers(learnt);
        for (const [name, value] of Object.entries(headers)) prepared.set(name, value);
      }
      const own = new Headers(prepared);
      const id = c.get("requestId");
      if (id) own.set(HEADER, id);
      const res = new Response(body, { status, headers: own });
      dressed.add(res);
      return res;
    };
  };

  return { middleware, alone, answers, ready: learning.then(() => undefined) };
};
