#!/usr/bin/env bun
import { runCli } from "./cli";

const code = await runCli(process.argv.slice(2), process.env, {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
if (code !== "serving") process.exit(code);
