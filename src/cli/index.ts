import pkg from "../../package.json";
import { ConfigError, type Env, loadConfig } from "../config";
import { databaseMessage } from "../db/errors";
import { parseCommand, USAGE, UsageError } from "./args";
import { migrateCommand } from "./migrate";
import { tokenCommand } from "./token";

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs one command line; resolves with the exit code, or "serving" while a server runs. */
export const runCli = async (argv: string[], env: Env, io: CliIo): Promise<number | "serving"> => {
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
        io.out(await tokenCommand(config, command));
        return 0;
      }
      case "migrate":
      case "migrate-status": {
        const config = loadConfig(env, { mode: command.mode, version: pkg.version, require: ["database"] });
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
        });
        if (maintenance) {
          return await migrateCommand(config, { action: "maintenance", apply: command.applyMigrations, write: io.out });
        }
        const { serveWithBun } = await import("../runtime/bun");
        await serveWithBun(config, { applyMigrations: command.applyMigrations });
        return "serving";
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n\n${USAGE}`);
      return 1;
    }
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 1;
    }
    io.err(`error: ${databaseMessage(error)}`);
    return 1;
  }
};
