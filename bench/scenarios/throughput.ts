import { budgetRow, type Row } from "../report";
import type { Settings } from "../settings";
import { type BenchDatabase, startService } from "../setup";
import { ROOT, spawnServer } from "../spawn";
import { alternate, medianOf, ratioSpread, roundRatio, serverNote, stacksOf } from "./compare";

// Headers that differ per response or are set by Bun itself; the rest are copied to the baseline.
const PER_RESPONSE = new Set(["date", "content-length", "x-request-id", "content-type"]);
/** The Hono floor (`baselines/hono-floor.ts`): Hono with LAYERS pass-through middleware and no features. */
export const honoFloor = (env: Record<string, string>) =>
  spawnServer([process.execPath, `${ROOT}/bench/baselines/hono-floor.ts`], env, { readyPath: "/livez" });

/** `GET /livez` through the full stack vs a bare Bun.serve with the same body and headers: information. */
export const livez = async (s: Settings, db: BenchDatabase): Promise<Row> => {
  const service = await startService(db);
  try {
    const sample = await fetch(`${service.url}/livez`);
    const body = await sample.text();
    const headers = Object.fromEntries([...sample.headers].filter(([name]) => !PER_RESPONSE.has(name)));
    const env = { BODY: body, HEADERS: JSON.stringify(headers) };
    const [bare, hono] = await Promise.all([
      spawnServer([process.execPath, `${ROOT}/bench/baselines/livez.ts`], env),
      honoFloor({ ...env, LAYERS: "0" }),
    ]);
    try {
      const samples = await alternate(s, [
        { label: "bare", url: `${bare.url}/livez`, pid: bare.pid },
        { label: "hono", url: `${hono.url}/livez`, pid: hono.pid },
        { label: "berth", url: `${service.url}/livez`, pid: service.pid },
      ]);
      const stacks = stacksOf(samples, { bare: "bare Bun.serve", hono: "Hono alone", berth: "berth" });
      return budgetRow(
        "GET /livez: berth vs bare Bun.serve",
        {
          value: medianOf(samples, "berth"),
          baseline: medianOf(samples, "bare"),
          ratio: roundRatio(samples, "berth", ["bare"]),
          unit: "req/s",
          notes: [ratioSpread(samples, "berth", ["bare"]), serverNote(stacks)].join("; "),
          stacks,
        },
        null,
      );
    } finally {
      await Promise.all([bare.stop(), hono.stop()]);
    }
  } finally {
    await service.stop();
  }
};
