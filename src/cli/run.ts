import pkg from "../../package.json";
import { type Config, type Env, loadConfig } from "../config";
import { parseCommand, USAGE } from "./args";
import { type CliIo, cliErrorMessage } from "./io";
import { migrateCommand } from "./migrate";
import { tokenCommand } from "./token";

/** Starts the API and ops servers on one runtime; the entry point hands it in. */
export type Serve = (config: Config, options: { applyMigrations: boolean }) => Promise<unknown>;

/**
 * Runs one command line; resolves with the exit code, or "serving" while a server runs.
 *
 * @example
 * const code = await runCli(process.argv.slice(2), process.env, { out: console.log, err: console.error }, serve);
 */
export const runCli = async (argv: string[], env: Env, io: CliIo, serve: Serve): Promise<number | "serving"> => {
  try {
    const command = parseCommand(argv);
    switch (command.name) {
      case "help":
        io.out(USAGE);
        return 0;
      case "version":
        io.out(pkg.version);
        return 0;
      case "token": {
        const config = loadConfig(env, { mode: command.mode, version: pkg.version, require: ["auth"] });
        return await tokenCommand(config, command, io);
      }
      case "migrate":
      case "migrate-status": {
        const config = loadConfig(env, {
          mode: command.mode,
          version: pkg.version,
          require: ["database"],
          terminal: io.terminal,
        });
        return command.name === "migrate"
          ? await migrateCommand(config, { action: "maintenance", apply: true, write: io.out })
          : await migrateCommand(config, { action: "status", write: io.out });
      }
      case "healthcheck": {
        const { healthcheckCommand } = await import("./healthcheck");
        return await healthcheckCommand(env, command, io);
      }
      case "serve": {
        const maintenance = command.role === "maintenance";
        const config = loadConfig(env, {
          mode: command.mode,
          version: pkg.version,
          require: maintenance ? ["database"] : undefined,
          terminal: io.terminal,
        });
        if (maintenance) {
          return await migrateCommand(config, { action: "maintenance", apply: command.applyMigrations, write: io.out });
        }
        await serve(config, { applyMigrations: command.applyMigrations });
        return "serving";
      }
    }
  } catch (error) {
    io.err(cliErrorMessage(error, USAGE));
    return 1;
  }
};
