import { type Copy, DockerfileParser, type Env, type Instruction } from "dockerfile-ast";

/** One instruction of a stage that changes its file system or environment. */
export type Step =
  | { kind: "workdir"; path: string }
  | { kind: "copy"; from?: string; sources: string[]; dest: string }
  | { kind: "run"; command: string[] }
  | { kind: "env"; vars: Record<string, string> };

export interface Stage {
  name?: string;
  image: string;
  steps: Step[];
  user?: string;
  expose: number[];
  healthcheck?: { flags: Record<string, string>; command: string[] };
  cmd?: string[];
}

/** Instructions the rehearsal understands; anything else fails loudly instead of being skipped. */
const KNOWN = new Set([
  "ARG",
  "FROM",
  "WORKDIR",
  "COPY",
  "RUN",
  "ENV",
  "USER",
  "EXPOSE",
  "HEALTHCHECK",
  "CMD",
  "LABEL",
]);

const shellForm = (text: string) => ["/bin/sh", "-c", text];

/** Exec form (a JSON array) or shell form, as Docker reads CMD, RUN and HEALTHCHECK CMD. */
const commandOf = (text: string): string[] => {
  const trimmed = text.trim();
  if (!trimmed.startsWith("[")) return shellForm(trimmed);
  const parsed = JSON.parse(trimmed) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === "string"))
    throw new Error(`not an exec-form command: ${trimmed}`);
  return parsed;
};

// ARG and ENV values are expanded (${X}), so ENV GIT_SHA=${GIT_SHA} reads the ARG default.
const expand = (value: string, vars: Record<string, string>) =>
  value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => vars[a ?? b ?? ""] ?? "");

const unquote = (value: string) => value.replace(/^"(.*)"$/, "$1");

const flagsOf = (instruction: Instruction) =>
  Object.fromEntries(
    ("getFlags" in instruction ? (instruction as Copy).getFlags() : []).map((f) => [f.getName(), f.getValue() ?? ""]),
  );

/**
 * Parses a Dockerfile with a real parser into its stages, each with the steps that build it and
 * the metadata (USER, EXPOSE, HEALTHCHECK, CMD) that its image carries.
 */
export const parseDockerfile = (text: string) => {
  const dockerfile = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  const globalArgs: Record<string, string> = {};
  let stageVars: Record<string, string> = {};
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (!KNOWN.has(keyword))
      throw new Error(`the rehearsal does not understand ${keyword} (line ${lineOf(instruction)})`);
    const stage = stages.at(-1);
    if (keyword === "FROM") {
      const args = instruction.getExpandedArguments().map((a) => a.getValue());
      const asIndex = args.findIndex((a) => a.toUpperCase() === "AS");
      stages.push({ name: asIndex >= 0 ? args[asIndex + 1] : undefined, image: args[0] ?? "", steps: [], expose: [] });
      stageVars = { ...globalArgs };
      continue;
    }
    if (keyword === "ARG") {
      for (const arg of instruction.getArguments().map((a) => a.getValue())) {
        const [name = "", value = ""] = arg.split(/=(.*)/s);
        (stage ? stageVars : globalArgs)[name] = expand(unquote(value), stage ? stageVars : globalArgs);
      }
      continue;
    }
    if (!stage) throw new Error(`${keyword} before the first FROM (line ${lineOf(instruction)})`);
    const content = instruction.getArgumentsContent() ?? "";
    switch (keyword) {
      case "WORKDIR":
        stage.steps.push({ kind: "workdir", path: content.trim() });
        break;
      case "COPY": {
        const args = instruction.getArguments().map((a) => a.getValue());
        const from = flagsOf(instruction).from;
        stage.steps.push({ kind: "copy", from, sources: args.slice(0, -1), dest: args.at(-1) ?? "" });
        break;
      }
      case "RUN":
        stage.steps.push({ kind: "run", command: commandOf(content) });
        break;
      case "ENV": {
        const vars: Record<string, string> = {};
        for (const property of (instruction as Env).getProperties()) {
          vars[property.getName()] = expand(property.getUnescapedValue() ?? "", stageVars);
        }
        Object.assign(stageVars, vars);
        stage.steps.push({ kind: "env", vars });
        break;
      }
      case "USER":
        stage.user = content.trim();
        break;
      case "EXPOSE":
        stage.expose.push(
          ...content
            .trim()
            .split(/\s+/)
            .map((p) => Number.parseInt(p, 10)),
        );
        break;
      case "HEALTHCHECK": {
        const [sub, ...rest] = content.trim().split(/\s+(.*)/s);
        if (sub?.toUpperCase() !== "CMD") throw new Error(`HEALTHCHECK ${sub} is not a command`);
        stage.healthcheck = { flags: flagsOf(instruction), command: commandOf(rest.join("")) };
        break;
      }
      case "CMD":
        stage.cmd = commandOf(content);
        break;
    }
  }
  const final = stages.at(-1);
  if (!final) throw new Error("the Dockerfile has no FROM");
  return { stages, final, globalArgs };
};

export type ParsedDockerfile = ReturnType<typeof parseDockerfile>;

const lineOf = (instruction: Instruction) => instruction.getRange().start.line + 1;

/**
 * The same Dockerfile with `source` taken out of the last COPY line that names it (the whole
 * line when it was the only source): what a file forgotten in the image looks like.
 */
export const withoutCopySource = (text: string, source: string) => {
  const dockerfile = DockerfileParser.parse(text);
  const lines = text.split("\n");
  const copy = dockerfile.getCOPYs().findLast((c) =>
    c
      .getArguments()
      .slice(0, -1)
      .some((a) => a.getValue() === source),
  );
  if (!copy) throw new Error(`no COPY line names ${source}`);
  const { start, end } = copy.getRange();
  if (start.line !== end.line) throw new Error(`the COPY of ${source} spans lines; edit it by hand`);
  const remaining = copy.getArguments().filter((a, i, all) => i === all.length - 1 || a.getValue() !== source);
  lines[start.line] =
    remaining.length > 1
      ? [
          "COPY",
          ...copy.getFlags().map((f) => `--${f.getName()}=${f.getValue()}`),
          ...remaining.map((a) => a.getValue()),
        ].join(" ")
      : "";
  return lines.join("\n");
};
