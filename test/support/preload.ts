import { afterAll } from "bun:test";
import { removeTempDirs } from "./temp";

// Tests never read the developer's .env: every suite states the environment it runs in.
for (const key of Object.keys(process.env)) {
  if (/^(DATABASE_|DB_|REDIS_|UPSTASH_|AUTH_|SENTRY_|OPS_TOKEN|APP_MODE|PGLITE_DIR)/.test(key)) delete process.env[key];
}
process.env.LOG_LEVEL ??= "silent";

// Once, after the whole run: `bun test` fires no process exit event for the temp dirs' own cleanup.
afterAll(removeTempDirs);
