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

// user:password@ in URLs, bearer tokens, and JWT-shaped strings.
const MASKS: [RegExp, string][] = [
  [/([a-z][a-z0-9+.-]*:\/\/)([^:/@\s]*):([^@/\s]*)@/gi, "$1$2:***@"],
  [/([a-z][a-z0-9+.-]*:\/\/):([^@/\s]+)@/gi, "$1:***@"],
  [/(bearer\s+)[A-Za-z0-9\-_.~+/]+=*/gi, "$1***"],
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "***"],
];
const SECRET_KEYS = /pass(word)?|secret|token|authorization|cookie|dsn/i;

/** Removes credentials from any string: URL passwords, bearer tokens, JWTs. */
export const maskSecrets = (text: string) => MASKS.reduce((s, [re, to]) => s.replace(re, to), text);

const sanitize = (value: unknown, key = ""): unknown => {
  if (value === undefined || value === null) return value;
  if (SECRET_KEYS.test(key) && typeof value === "string") return "***";
  if (typeof value === "string") return maskSecrets(value);
  if (value instanceof Error) return { name: value.name, message: maskSecrets(value.message) };
  if (Array.isArray(value)) return value.map((v) => sanitize(v));
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Fields).map(([k, v]) => [k, sanitize(v, k)]));
  }
  return value;
};

const COLORS: Record<string, string> = { debug: "\x1b[90m", info: "\x1b[36m", warn: "\x1b[33m", error: "\x1b[31m" };

export interface LoggerOptions {
  level: Level;
  format: "json" | "pretty";
  /** Where lines go; defaults to console.log. Tests capture here. */
  write?: (line: string) => void;
  fields?: Fields;
}

/** Creates the service logger. */
export const createLogger = ({ level, format, write = console.log, fields = {} }: LoggerOptions): Logger => {
  const threshold = levels.indexOf(level);
  const emit = (lvl: Exclude<Level, "silent">, msg: string, extra: Fields = {}) => {
    if (levels.indexOf(lvl) < threshold) return;
    const record = sanitize({ ...fields, ...extra }) as Fields;
    if (format === "json") {
      write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg: maskSecrets(msg), ...record }));
      return;
    }
    const rest = Object.entries(record)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    const time = new Date().toISOString().slice(11, 23);
    write(`${time} ${COLORS[lvl]}${lvl.toUpperCase().padEnd(5)}\x1b[0m ${maskSecrets(msg)}${rest ? ` ${rest}` : ""}`);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (more) => createLogger({ level, format, write, fields: { ...fields, ...more } }),
  };
};
