import { RedisClient } from "bun";

/**
 * A test-only server that speaks Upstash's REST protocol, as `@upstash/redis` uses it, and runs
 * every command on a real Redis:
 * - `POST /` with a JSON command array (`["set", "k", "v", "px", 100]`) answers `{result}`, or
 *   `{error}` with status 400 when Redis refuses the command;
 * - `POST /pipeline` with an array of command arrays answers an array of `{result}` / `{error}`;
 * - `Authorization: Bearer <token>` is required (401 `{error}` otherwise);
 * - with `Upstash-Encoding: base64` every string in a result is the base64 of its UTF-8 bytes,
 *   except a plain `OK`, which the SDK passes through as is.
 * Results follow RESP2 as Upstash does: Bun's RESP3 maps become flat arrays, booleans 1 and 0.
 * Transactions (`/multi-exec`), the GET path form and streaming are not spoken.
 */
export interface UpstashServer {
  url: string;
  token: string;
  /** How many HTTP requests each path has had, to show which endpoint the SDK used. */
  hits: Map<string, number>;
  stop: () => Promise<void>;
}

type Reply = { result: unknown } | { error: string };

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

const toRest = (value: unknown, encode: boolean): unknown => {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return encode && value !== "OK" ? base64(value) : value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") return toRest(String(value), encode);
  if (Array.isArray(value)) return value.map((v) => toRest(v, encode));
  if (typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => [toRest(k, encode), toRest(v, encode)]);
  return value;
};

const isCommand = (body: unknown): body is (string | number | boolean)[] =>
  Array.isArray(body) && body.length > 0 && body.every((part) => ["string", "number", "boolean"].includes(typeof part));

/** Starts the server on 127.0.0.1 (a kernel-chosen port unless given) in front of `redisUrl`. */
export const startUpstashServer = async ({
  redisUrl,
  token = crypto.randomUUID(),
  port = 0,
}: {
  redisUrl: string;
  token?: string;
  port?: number;
}): Promise<UpstashServer> => {
  const redis = new RedisClient(redisUrl);
  await redis.connect();
  const hits = new Map<string, number>();

  const run = async (command: unknown, encode: boolean): Promise<Reply> => {
    if (!isCommand(command)) return { error: "ERR a command is a non-empty array of strings and numbers" };
    const [name, ...args] = command.map(String) as [string, ...string[]];
    try {
      return { result: toRest(await redis.send(name.toUpperCase(), args), encode) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      if (request.headers.get("authorization") !== `Bearer ${token}`)
        return Response.json({ error: "Unauthorized" }, { status: 401 });
      if (request.method !== "POST") return Response.json({ error: "only POST is spoken here" }, { status: 405 });
      const body: unknown = await request.json().catch(() => undefined);
      const encode = request.headers.get("upstash-encoding")?.toLowerCase() === "base64";
      if (path === "/") {
        const reply = await run(body, encode);
        return Response.json(reply, { status: "error" in reply ? 400 : 200 });
      }
      if (path === "/pipeline") {
        if (!Array.isArray(body) || body.length === 0)
          return Response.json({ error: "ERR a pipeline is a non-empty array of commands" }, { status: 400 });
        // One after another, as Upstash runs a pipeline: each sees the writes before it.
        const replies: Reply[] = [];
        for (const command of body) replies.push(await run(command, encode));
        return Response.json(replies);
      }
      return Response.json({ error: `ERR ${path} is not spoken by this test server` }, { status: 404 });
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    token,
    hits,
    stop: async () => {
      await server.stop(true);
      redis.close();
    },
  };
};
