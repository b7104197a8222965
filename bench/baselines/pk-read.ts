// Bare Bun.serve answering GET /v1/notes/:id with the same prepared primary-key query the
// service runs, through postgres.js (patched) or Bun's built-in SQL client: the note read's bare floor.
import { SQL } from "bun";
import postgres from "postgres";

const url = process.env.DATABASE_URL ?? "";
const owner = process.env.OWNER ?? "";
const max = Number(process.env.POOL_MAX ?? 10);

type Query = (id: string) => Promise<Record<string, unknown> | undefined>;

const postgresJs = (): Query => {
  const sql = postgres(url, { max, prepare: true, onnotice: () => {} });
  return async (id) =>
    (
      await sql`select id, owner_id, title, body, version, created_at, updated_at from notes where id = ${id} and owner_id = ${owner}`
    )[0];
};

const bunSql = (): Query => {
  const sql = new SQL(url, { max, prepare: true });
  return async (id) =>
    (
      await sql`select id, owner_id, title, body, version, created_at, updated_at from notes where id = ${id} and owner_id = ${owner}`
    )[0];
};

const query = process.env.DRIVER === "bun-sql" ? bunSql() : postgresJs();

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT),
  async fetch(req) {
    const path = new URL(req.url).pathname;
    if (!path.startsWith("/v1/notes/")) return new Response("ready");
    const id = path.slice("/v1/notes/".length);
    const row = await query(id);
    if (!row) return new Response("not found", { status: 404 });
    return Response.json({
      id: row.id,
      title: row.title,
      body: row.body,
      createdAt: new Date(row.created_at as string).toISOString(),
      updatedAt: new Date(row.updated_at as string).toISOString(),
    });
  },
});
console.log(`ready ${server.port}`);
