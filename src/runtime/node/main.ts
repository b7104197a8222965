import pkg from "../../../package.json";
import { parseCommand, UsageError } from "../../cli/args";
import { cliErrorMessage } from "../../cli/io";
import { loadConfig } from "../../config";
import { serveWithNode } from "./serve";

const USAGE = `berth on Node — serves the API and ops servers

usage: node dist/node/server/main.js [serve] [--mode M] [--apply-migrations]

Every other command (migrate, migrate status, healthcheck, token) runs under Bun:
bun src/index.ts --help`;

/** The Node entry: `serve` only, with the same flags and environment as under Bun. */
const main = async (argv: string[]) => {
  const command = parseCommand(argv);
  if (command.name === "help") return console.log(USAGE);
  if (command.name === "version") return console.log(pkg.version);
  if (command.name !== "serve" || command.role !== "monolith") {
    throw new UsageError(`${command.name === "serve" ? "--role maintenance" : command.name} runs under Bun, not Node`);
  }
  const config = loadConfig(process.env, { mode: command.mode, version: pkg.version, terminal: process.stdout.isTTY });
  await serveWithNode(config, { applyMigrations: command.applyMigrations });
};

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(cliErrorMessage(error, USAGE));
  process.exit(1);
});
