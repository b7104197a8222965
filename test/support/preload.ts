import { afterAll } from "bun:test";
import { notRunSummary } from "./services";

// Tests never read the developer's .env: every suite states the environment it runs in.
for (const key of Object.keys(process.env)) {
  if (/^(DATABASE_|DB_|REDIS_|UPSTASH_|AUTH_|SENTRY_|OPS_TOKEN|APP_MODE|PGLITE_DIR)/.test(key)) delete process.env[key];
}
process.env.LOG_LEVEL ??= "silent";

// A preload's afterAll runs once, after the last file's tests (once per file under --isolate or
// --parallel): the run's last line before Bun's totals, on stderr with Bun's report.
afterAll(() => {
  const summary = notRunSummary();
  if (summary) process.stderr.write(`${summary}\n`);
});
