import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { UnauthorizedError } from "../auth/verifier";
import { isDatabaseUnavailable } from "../db/errors";

export interface FieldError {
  path: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** An error that is already an HTTP answer: thrown anywhere, rendered once by `renderError`. */
export class Problem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; title?: string } = {},
  ) {
    super(detail);
    this.name = "Problem";
  }
}

export interface ErrorRenderOptions {
  /** Development and test show the real message of unexpected errors; other modes never do. */
  exposeInternals: boolean;
  /** Told about every unexpected error (5xx that is not a Problem), once. */
  onUnexpected?: (error: unknown, c: Context) => void;
}

// RFC 6750 §3: no error code when credentials were absent; quotes never reach the quoted string.
const bearerChallenge = (error: UnauthorizedError) =>
  error.reason === "missing"
    ? 'Bearer realm="berth"'
    : `Bearer realm="berth", error="invalid_token", error_description="${error.message.replace(/["\\]/g, "'")}"`;

/** Maps any thrown value to an RFC 9457 problem; the one place that decides status codes for errors. */
export const toProblem = (error: unknown, { exposeInternals }: Pick<ErrorRenderOptions, "exposeInternals">) => {
  if (error instanceof Problem) return error;
  if (error instanceof UnauthorizedError)
    return new Problem(401, error.message, { headers: { "WWW-Authenticate": bearerChallenge(error) } });
  if (isDatabaseUnavailable(error))
    return new Problem(503, "The database is unavailable; retry shortly.", { headers: { "Retry-After": "5" } });
  if (error instanceof HTTPException && error.status < 500) {
    const status = error.status as ContentfulStatusCode;
    return new Problem(status, error.message || TITLES[status] || "Request failed");
  }
  const detail = exposeInternals && error instanceof Error ? error.message : "An unexpected error occurred.";
  return new Problem(500, detail);
};

/** Writes a problem as `application/problem+json`, with the request id every response carries. */
export const problemResponse = (c: Context, problem: Problem) => {
  const status = problem.status;
  for (const [name, value] of Object.entries(problem.extra.headers ?? {})) c.header(name, value);
  c.header("Content-Type", "application/problem+json");
  return c.body(
    JSON.stringify({
      type: "about:blank",
      title: problem.extra.title ?? TITLES[status] ?? "Error",
      status,
      detail: problem.message,
      requestId: c.get("requestId" as never) ?? null,
      ...(problem.extra.errors ? { errors: problem.extra.errors } : {}),
    }),
    status,
  );
};

/** Hono `onError` handler built on `toProblem`. */
export const renderError =
  (options: ErrorRenderOptions) =>
  (error: unknown, c: Context): Response => {
    const problem = toProblem(error, options);
    if (problem.status >= 500 && !(error instanceof Problem) && !isDatabaseUnavailable(error)) {
      options.onUnexpected?.(error, c);
    }
    return problemResponse(c, problem);
  };
