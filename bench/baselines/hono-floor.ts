// Hono on Bun with LAYERS pass-through middleware (`next()`, nothing else) and none of
// berth's own work: what the framework and the ORM alone cost, so a budget berth misses can be
// split between its dependencies and its code. `/livez` answers the service's body and headers;
// `/v1/notes/:id` runs the repository's prepared Drizzle statement over postgres.js (patched).
import { drizzle } from "drizzle-orm/postgres-js";
import { Hono, type MiddlewareHandler } from "hono";
import postgres from "postgres";
import * as schema from "../../src/db/schema";
import { noteStatements } from "../../src/routes/notes/repository";

const body = process.env.BODY ?? "{}";
const headers = JSON.parse(process.env.HEADERS ?? "{}") as Record<string, string>;
const owner = process.env.OWNER ?? "";
const url = process.env.DATABASE_URL;

const byId = url
  ? noteStatements(drizzle(postgres(url, { max: Number(process.env.POOL_MAX ?? 10), onnotice: () => {} }), { schema }))
      .byId
  : undefined;

const passThrough: MiddlewareHandler = (_c, next) => next();
const app = new Hono();
for (let i = 0; i < Number(process.env.LAYERS ?? 0); i++) app.use(passThrough);
app.get("/livez", (c) =>
  c.body(body, 200, { ...headers, "Content-Type": "application/json", "X-Request-Id": crypto.randomUUID() }),
);
app.get("/v1/notes/:id", async (c) => {
  const [row] = (await byId?.execute({ id: c.req.param("id"), ownerId: owner })) ?? [];
  if (!row) return c.text("not found", 404);
  return c.json({
    id: row.id,
    title: row.title,
    body: row.body,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  });
});

const server = Bun.serve({ hostname: "127.0.0.1", port: Number(process.env.PORT), fetch: app.fetch });
console.log(`ready ${server.port}`);
