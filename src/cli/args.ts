import { parseArgs } from "node:util";
import { CLOCK_TOLERANCE_S } from "../auth/verifier";
import { type Mode, modes } from "../config";

export const USAGE = `berth — notes API with health checks, safe migrations and monitoring

Usage:
  bun run src/index.ts [command] [options]

Commands:
  serve        Start the API and ops servers (default)
                 --mode <development|test|staging|production>  (default: $APP_MODE or development)
                 --apply-migrations   apply pending migrations under the migration lock first
                 --role <monolith|maintenance>  maintenance serves nothing: it migrates (with
                                      --apply-migrations), prints the migration status and exits
                                      (1 where serve would refuse to start)
  migrate      Apply pending migrations and exit (same as serve --role maintenance --apply-migrations)
  migrate status
               Show applied and pending migrations; exit 0 up to date, 3 pending,
               1 drift or error, 4 database ahead of this build
  healthcheck  Probe a running service; exit 0 healthy, 1 not
                 --url <url>          (default: http://127.0.0.1:$PORT)
                 --path <path>        (default: /livez, or /health with --expect-healthy)
                 --retries <n>        attempts after the first (default: 0)
                 --interval <s>       seconds between attempts (default: 2)
                 --expect-healthy     also require "healthy": true in the body
  token        Print a signed HS256 JWT for local use
                 --sub <id>           the user id (required)
                 --ttl <duration>     like 90s, 15m, 1h, 7d (default: 1h); the API accepts a
                                      token for ${CLOCK_TOLERANCE_S} s more (clock tolerance)
                 --claim <k=v>        an extra claim; repeatable

Options:
  -h, --help     Show this help
  -v, --version  Show the version
`;

/** A command line the CLI cannot run; printed with the usage, exit 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export type Command =
  | { name: "help" }
  | { name: "version" }
  | { name: "serve"; mode?: Mode; applyMigrations: boolean; role: "monolith" | "maintenance" }
  | { name: "migrate"; mode?: Mode }
  | { name: "migrate-status"; mode?: Mode }
  | {
      name: "healthcheck";
      url?: string;
      path?: string;
      retries: number;
      intervalSeconds: number;
      expectHealthy: boolean;
    }
  | { name: "token"; mode?: Mode; sub: string; ttl: string; claims: Record<string, string> };

const modeOption: Options = { mode: { type: "string" } };

const parseMode = (value: string | undefined): Mode | undefined => {
  if (value === undefined) return undefined;
  if (!(modes as readonly string[]).includes(value))
    throw new UsageError(`--mode must be one of ${modes.join(", ")}, got "${value}"`);
  return value as Mode;
};

const parseCount = (flag: string, value: string | undefined, fallback: number, { allowFraction = false } = {}) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(n) || (!allowFraction && !Number.isInteger(n)))
    throw new UsageError(
      `${flag} must be a ${allowFraction ? "non-negative number" : "non-negative integer"}, got "${value}"`,
    );
  return n;
};

type Options = Record<string, { type: "string" | "boolean"; multiple?: boolean }>;

const strictParse = (args: string[], options: Options) => {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (error) {
    // node:util's hint about "--" only confuses here: berth takes no positional starting with "-".
    throw new UsageError(
      (error as Error).message.replace(/^TypeError[^:]*: /, "").replace(/\. To specify a positional argument.*$/s, ""),
    );
  }
};

const noPositionals = (command: string, positionals: string[]) => {
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" for ${command}`);
};

/** Parses argv (without the runtime and script) into one command; throws UsageError on anything unknown. */
export const parseCommand = (argv: string[]): Command => {
  const [first, ...rest] = argv;
  if (first === "-h" || first === "--help" || first === "help") return { name: "help" };
  if (first === "-v" || first === "--version") return { name: "version" };
  const explicit = first !== undefined && !first.startsWith("-");
  const name = explicit ? first : "serve";
  const args = explicit ? rest : argv;
  if (args.includes("--help") || args.includes("-h")) return { name: "help" };

  switch (name) {
    case "serve": {
      const { values, positionals } = strictParse(args, {
        ...modeOption,
        "apply-migrations": { type: "boolean" },
        role: { type: "string" },
      });
      noPositionals("serve", positionals);
      const role = (values.role as string | undefined) ?? "monolith";
      if (role !== "monolith" && role !== "maintenance")
        throw new UsageError(`--role must be monolith or maintenance, got "${role}"`);
      return {
        name: "serve",
        mode: parseMode(values.mode as string | undefined),
        applyMigrations: Boolean(values["apply-migrations"]),
        role,
      };
    }
    case "migrate": {
      const { values, positionals } = strictParse(args, modeOption);
      const [sub, ...extra] = positionals;
      noPositionals("migrate", extra);
      if (sub !== undefined && sub !== "status") throw new UsageError(`unknown migrate subcommand "${sub}"`);
      return { name: sub ? "migrate-status" : "migrate", mode: parseMode(values.mode as string | undefined) };
    }
    case "healthcheck": {
      const { values, positionals } = strictParse(args, {
        url: { type: "string" },
        path: { type: "string" },
        retries: { type: "string" },
        interval: { type: "string" },
        "expect-healthy": { type: "boolean" },
      });
      noPositionals("healthcheck", positionals);
      const url = values.url as string | undefined;
      if (url !== undefined && !URL.canParse(url)) throw new UsageError(`--url must be a URL, got "${url}"`);
      const path = values.path as string | undefined;
      if (path !== undefined && !path.startsWith("/"))
        throw new UsageError(`--path must start with "/", got "${path}"`);
      return {
        name: "healthcheck",
        url,
        path,
        retries: parseCount("--retries", values.retries as string | undefined, 0),
        intervalSeconds: parseCount("--interval", values.interval as string | undefined, 2, { allowFraction: true }),
        expectHealthy: Boolean(values["expect-healthy"]),
      };
    }
    case "token": {
      const { values, positionals } = strictParse(args, {
        ...modeOption,
        sub: { type: "string" },
        ttl: { type: "string" },
        claim: { type: "string", multiple: true },
      });
      noPositionals("token", positionals);
      const sub = values.sub as string | undefined;
      if (!sub) throw new UsageError("token needs --sub <id>");
      const claims: Record<string, string> = {};
      for (const pair of (values.claim as string[] | undefined) ?? []) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new UsageError(`--claim must look like key=value, got "${pair}"`);
        const key = pair.slice(0, eq);
        if (["sub", "exp", "iat", "nbf"].includes(key))
          throw new UsageError(`--claim cannot set "${key}"; use --sub and --ttl`);
        claims[key] = pair.slice(eq + 1);
      }
      return {
        name: "token",
        mode: parseMode(values.mode as string | undefined),
        sub,
        ttl: (values.ttl as string | undefined) ?? "1h",
        claims,
      };
    }
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
};
