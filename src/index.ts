#!/usr/bin/env bun
import { runCli } from "./cli";

const code = await runCli(
  process.argv.slice(2),
  process.env,
  { out: (text) => console.log(text), err: (text) => console.error(text), terminal: process.stdout.isTTY },
  // Loaded only for `serve`, so the other commands (the image's HEALTHCHECK among them) start fast.
  async (config, options) => (await import("./runtime/bun")).serveWithBun(config, options),
);
if (code !== "serving") process.exit(code);
