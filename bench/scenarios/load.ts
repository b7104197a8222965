import { mintToken } from "../../src/auth/token";
import { encodeCursor } from "../../src/routes/notes/cursor";
import type { Row } from "../report";
import type { Settings } from "../settings";
import { BENCH_SECRET, type BenchDatabase, benchToken, startService } from "../setup";
import { wrk } from "../wrk";

/** page latency deep in a long keyset listing vs the first page. */
export const pagination = async (s: Settings, db: BenchDatabase): Promise<Row> => {
  const owner = "bench-pager";
  await db.sql`
    insert into notes (owner_id, title, body, created_at, updated_at)
    select ${owner}, 'note ' || g, '', now() - g * interval '1 millisecond', now() - g * interval '1 millisecond'
    from generate_series(1, ${s.paginationRows}::int) as g`;
  await db.sql`analyze notes`;
  const [deep] = await db.sql<{ created_at: Date; id: string }[]>`
    select created_at, id from notes where owner_id = ${owner}
    order by created_at desc, id desc offset ${s.paginationRows - 40} limit 1`;
  if (!deep) throw new Error("pagination: seeding produced no rows");
  const cursor = encodeCursor({ createdAt: new Date(deep.created_at), id: deep.id });
  const token = await mintToken({ secret: BENCH_SECRET, sub: owner, ttlSeconds: 3600 });
  const service = await startService(db, { NOTE_CACHE_TTL_MS: "0" });
  const headers = { Authorization: `Bearer ${token}` };
  try {
    const measure = async (url: string) => {
      await wrk(url, { seconds: 1, connections: 4, headers });
      return (await wrk(url, { seconds: s.seconds, connections: 4, headers })).p50Ms;
    };
    const first = await measure(`${service.url}/v1/notes?limit=20`);
    const deepMs = await measure(`${service.url}/v1/notes?limit=20&cursor=${cursor}`);
    return {
      scenario: `GET /v1/notes p50, ${s.paginationRows.toLocaleString("en-US")} rows deep vs first page`,
      value: deepMs,
      baseline: first,
      unit: "ms",
      ratio: deepMs / first,
      budget: "≤ 1.50",
      pass: deepMs / first <= 1.5,
    };
  } finally {
    await service.stop();
  }
};

/** A note read under sustained load: throughput of the last window vs the first after warm-up. */
export const sustained = async (s: Settings, db: BenchDatabase): Promise<Row> => {
  const service = await startService(db, { NOTE_CACHE_TTL_MS: "0" });
  const headers = { Authorization: `Bearer ${benchToken()}` };
  const url = `${service.url}/v1/notes/${db.noteId}`;
  try {
    if (s.warmupSeconds) await wrk(url, { seconds: s.warmupSeconds, connections: s.connections, headers });
    const windows: number[] = [];
    for (let t = 0; t < s.sustainedSeconds; t += s.sustainedWindow) {
      windows.push((await wrk(url, { seconds: s.sustainedWindow, connections: s.connections, headers })).rps);
    }
    const first = windows[0] ?? 0;
    const last = windows.at(-1) ?? 0;
    return {
      scenario: `note read, ${s.sustainedSeconds} s sustained: last vs first window`,
      value: last,
      baseline: first,
      unit: "req/s",
      ratio: last / first,
      budget: "≥ 0.90",
      pass: last / first >= 0.9,
      notes: `windows: ${windows.map((w) => Math.round(w)).join(", ")}`,
    };
  } finally {
    await service.stop();
  }
};
