import type { Config } from "../config";

export const levels = ["debug", "info", "warn", "error", "silent"] as const;
export type Level = (typeof levels)[number];
export type Fields = Record<string, unknown>;

/** Structured logger: one line per call, JSON or pretty, credentials masked. */
export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

// user:password@ in URLs, secret-looking query parameters, bearer tokens, and JWT-shaped strings.
const MASKS: [RegExp, string][] = [
  [/([a-z][a-z0-9+.-]*:\/\/)([^:/@\s]*):([^@/\s]*)@/gi, "$1$2:***@"],
  [/([a-z][a-z0-9+.-]*:\/\/):([^@/\s]+)@/gi, "$1:***@"],
  [/([?&](?:password|passwd|pwd|token|access_token|api_?key|secret|sig|signature)=)[^&\s"']+/gi, "$1***"],
  [/(bearer\s+)[A-Za-z0-9\-_.~+/]+=*/gi, "$1***"],
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "***"],
];
const SECRET_KEYS = /pass(word)?|secret|token|authorization|cookie|dsn/i;

// Known secret values shorter than this are masked only where a pattern finds them (inside a
// URL, after "Bearer"): masking every "pw" in every line would garble the log.
const MIN_SECRET_LENGTH = 8;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Every mask needs one of these; most strings have none, and skip the five replacements.
const MAYBE_SECRET = /@|[?&]|bearer|eyJ/i;

/** Removes credentials from any string: URL passwords, secret query parameters, bearer tokens, JWTs. */
export const maskSecrets = (text: string) =>
  MAYBE_SECRET.test(text) ? MASKS.reduce((s, [re, to]) => s.replace(re, to), text) : text;

/** A masker that also replaces each of `secrets` verbatim (and URL-encoded) wherever it appears. */
export const secretMasker = (secrets: readonly (string | undefined)[] = []) => {
  const values = [...new Set(secrets.filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH))];
  const variants = values.flatMap((s) => [s, encodeURIComponent(s)]).sort((a, b) => b.length - a.length);
  const exact = variants.length ? new RegExp(variants.map(escapeRegExp).join("|"), "g") : undefined;
  const shortest = variants.at(-1)?.length ?? Number.POSITIVE_INFINITY;
  // Most strings are shorter than any secret or contain none: `includes` answers that faster
  // than a global replace, which runs only when a secret is really there.
  const holdsSecret = (text: string) => text.length >= shortest && variants.some((v) => text.includes(v));
  return (text: string) => maskSecrets(exact && holdsSecret(text) ? text.replace(exact, "***") : text);
};

const passwordOf = (url: string | undefined) => {
  if (!url) return undefined;
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
};

/** Every credential the configuration holds, for `secretMasker`. */
export const configSecrets = (config: Config) => [
  passwordOf(config.database.url),
  passwordOf(config.database.migrationUrl),
  passwordOf(config.cache.redisUrl),
  config.cache.upstash?.token,
  config.auth.secret,
  config.opsToken,
];

const serializeError = (error: Error, mask: (s: string) => string, depth = 0): Fields => {
  const { code } = error as { code?: unknown };
  return {
    name: error.name,
    message: mask(error.message),
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
    ...(error.stack ? { stack: mask(error.stack) } : {}),
    ...(error.cause instanceof Error && depth < 3 ? { cause: serializeError(error.cause, mask, depth + 1) } : {}),
  };
};

// Field names come from code, so there are few; each is tested against SECRET_KEYS once.
const secretKeys = new Map<string, boolean>();
const isSecretKey = (key: string) => {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = SECRET_KEYS.test(key);
    if (secretKeys.size < 1000) secretKeys.set(key, secret);
  }
  return secret;
};

const sanitize = (value: unknown, mask: (s: string) => string, key = ""): unknown => {
  if (value === undefined || value === null || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "string") return key && isSecretKey(key) ? "***" : mask(value);
  if (value instanceof Error) return serializeError(value, mask);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => sanitize(v, mask));
  if (typeof value === "object") return sanitizeInto({}, value as Fields, mask);
  return value;
};

// A loop, not entries/map/fromEntries: this runs for every log line of every request.
const sanitizeInto = (out: Fields, fields: Fields, mask: (s: string) => string) => {
  for (const k in fields) out[k] = sanitize(fields[k], mask, k);
  return out;
};

// Many lines share a millisecond under load; the ISO string is built once per millisecond.
let lastMs = Number.NaN;
let lastIso = "";
const isoNow = () => {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
};

const COLORS: Record<string, string> = { debug: "\x1b[90m", info: "\x1b[36m", warn: "\x1b[33m", error: "\x1b[31m" };
const RESET = "\x1b[0m";

export interface LoggerOptions {
  level: Level;
  format: "json" | "pretty";
  /** ANSI colours on the pretty level names, for a terminal (`config.log.color`); off by default. */
  color?: boolean;
  /** Where lines go; defaults to console.log. Tests capture here. */
  write?: (line: string) => void;
  fields?: Fields;
  /** Credential values to mask verbatim, on top of the patterns (see `configSecrets`). */
  secrets?: readonly (string | undefined)[];
}

const prettyValue = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** Creates a logger; every line, message and field alike, passes through the masker. */
export const createLogger = (options: LoggerOptions): Logger => {
  const { level, format, color = false, write = console.log, fields = {}, secrets } = options;
  const mask = secretMasker(secrets);
  const threshold = levels.indexOf(level);
  const emit = (lvl: Exclude<Level, "silent">, msg: string, extra: Fields = {}) => {
    if (levels.indexOf(lvl) < threshold) return;
    if (format === "json") {
      const line: Fields = { time: isoNow(), level: lvl, msg: mask(msg) };
      write(JSON.stringify(sanitizeInto(sanitizeInto(line, fields, mask), extra, mask)));
      return;
    }
    const record = sanitizeInto(sanitizeInto({}, fields, mask), extra, mask);
    // A stack reads better on lines of its own than as one escaped value.
    const stack = (record.error as { stack?: unknown } | undefined)?.stack;
    const pairs = Object.entries(record)
      .filter(([k, v]) => v !== undefined && !(k === "error" && typeof stack === "string"))
      .map(([k, v]) => `${k}=${prettyValue(v)}`)
      .join(" ");
    const time = new Date().toISOString().slice(11, 23);
    const tail = typeof stack === "string" ? `\n${stack}` : "";
    const name = lvl.toUpperCase().padEnd(5);
    write(`${time} ${color ? `${COLORS[lvl]}${name}${RESET}` : name} ${mask(msg)}${pairs ? ` ${pairs}` : ""}${tail}`);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (more) => createLogger({ ...options, fields: { ...fields, ...more } }),
  };
};

/** The service's logger: level and format from LOG_LEVEL/LOG_FORMAT, every configured credential masked. */
export const serviceLogger = (config: Config, write?: (line: string) => void) =>
  createLogger({ ...config.log, secrets: configSecrets(config), write });
