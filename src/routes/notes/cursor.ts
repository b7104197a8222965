import { Problem } from "../../http";
import type { Keyset } from "./repository";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a canonical UUID; any other id can never name a note. */
export const isUuid = (value: string) => UUID.test(value);

const toBase64Url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const fromBase64Url = (s: string) => atob(s.replace(/-/g, "+").replace(/_/g, "/"));

// 1970 to year 9999: notes are never older, and outside it a Date no longer round-trips through
// toISOString and a Postgres timestamp (year 0, negative years, past 9999).
const MAX_MS = 253_402_300_799_999;

/** An opaque cursor: the keyset of the last row of a page. */
export const encodeCursor = ({ createdAt, id }: Keyset) => toBase64Url(JSON.stringify([createdAt.getTime(), id]));

/** Decodes a cursor from `encodeCursor`, or answers 400. */
export const decodeCursor = (cursor: string): Keyset => {
  try {
    const [ms, id] = JSON.parse(fromBase64Url(cursor)) as unknown[];
    // Only instants a timestamp column can hold: an out-of-range Date would fail in the driver.
    if (
      typeof ms === "number" &&
      Number.isInteger(ms) &&
      ms >= 0 &&
      ms <= MAX_MS &&
      typeof id === "string" &&
      isUuid(id)
    ) {
      return { createdAt: new Date(ms), id };
    }
  } catch {}
  throw new Problem(400, "The cursor is not one this API returned.", {
    errors: [{ path: "cursor", message: "invalid cursor" }],
  });
};
