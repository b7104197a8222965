import { afterAll, describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { buildBundle } from "../../scripts/build";
import { childEnv, ENTRY, freePort, ROOT, runProcess } from "../support/process";

const NODE = Bun.which("node") ?? "node";

/** A port on 127.0.0.1 held by a real listener until the file's tests end. */
const occupiedPort = () =>
  new Promise<number>((resolve, reject) => {
    const holder = createServer();
    holder.once("error", reject);
    holder.listen(0, "127.0.0.1", () => {
      afterAll(() => new Promise<void>((done) => holder.close(() => done())));
      const address = holder.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });

const adapters = [
  ["Bun", async () => [process.execPath, ENTRY, "serve"]],
  ["Node", async () => [NODE, (await buildBundle("node")).file, "serve"]],
] as const;

// The real service process on each server adapter, its port taken by another listener.
describe.each(adapters)("%s: a port already in use", (_, command) => {
  test.each(["PORT", "OPS_PORT"] as const)(
    "%s taken: the error names the variable and the port, with a hint; exit 1 after closing the database",
    async (variable) => {
      const taken = await occupiedPort();
      const free = await freePort();
      const ports = variable === "PORT" ? { PORT: taken, OPS_PORT: free } : { PORT: free, OPS_PORT: taken };
      const env = childEnv({
        APP_MODE: "test",
        PGLITE_DIR: "memory://",
        PORT: String(ports.PORT),
        OPS_PORT: String(ports.OPS_PORT),
      });
      const r = await runProcess([...(await command()), "--apply-migrations"], { cwd: ROOT, env, timeoutMs: 120_000 });
      expect(r.code).toBe(1);
      const error = r.stderr.trim().split("\n").at(-1);
      expect(error).toStartWith(`error: ${variable} ${taken} is already in use (EADDRINUSE on 127.0.0.1:${taken}): `);
      expect(error).toContain(`set ${variable} to a free port`);
      // The boot had opened PGlite: it is closed, not abandoned, before the exit.
      const steps = r.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(steps).toContain("shutdown: close database");
      expect(steps.some((msg) => msg.includes("listening on"))).toBe(false);
    },
    180_000,
  );
});
