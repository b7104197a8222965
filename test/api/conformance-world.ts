import { boundedCache } from "../../src/cache/bounded";
import { memoryCache } from "../../src/cache/memory";
import { createPostgresDatabase } from "../../src/db/postgres";
import type { Database } from "../../src/db/types";
import { createLifecycle } from "../../src/lifecycle/state";
import { freshPglite } from "../fixtures/databases";
import { freePort } from "../support/ports";
import { authHeaders, buildTestApp } from "./app";

export type App = ReturnType<typeof buildTestApp>["app"];
export type Headers = Record<string, string>;

/** The apps the cases run against: one healthy, and one for each way a request can fail on the server's side. */
export interface World {
  app: App;
  db: Database;
  /** A new app on the same database allowing one request a minute per caller. */
  limited: () => App;
  /** Its database was never migrated: every query is a fault (500). */
  broken: App;
  /** Its database refuses connections (503). */
  unreachable: App;
  /** Startup is not done (probes 503). */
  starting: App;
}

export interface Case {
  operation: string;
  status: number;
  /** The media type asked for and expected, where the response documents several. */
  media?: string;
  name: string;
  send: (world: World) => Response | Promise<Response>;
}

/** BODY_LIMIT_BYTES of every app here, small so a 413 costs little. */
export const BODY_LIMIT = 2048;
/** Authorization and JSON headers for a new user. */
export const user = (extra?: Headers) => authHeaders(`conformance-${crypto.randomUUID()}`, extra);
/** JSON headers without credentials. */
export const NO_TOKEN = { "Content-Type": "application/json" };
/** A valid create or update body. */
export const noteBody = JSON.stringify({ title: "conforming", body: "b" });
/** A valid note, but a body over BODY_LIMIT. */
export const overLimit = JSON.stringify({ title: "large", body: "x".repeat(BODY_LIMIT) });

/** Creates a note for setup, resolving with its id and ETag. */
export const createNote = async (app: App, headers: Headers) => {
  const res = await app.request("/v1/notes", { method: "POST", headers, body: noteBody });
  if (res.status !== 201) throw new Error(`setup: create answered ${res.status}`);
  return { id: ((await res.json()) as { id: string }).id, etag: res.headers.get("etag") as string };
};

/** A note whose first ETag is stale: it was updated once since. */
export const changedNote = async (app: App, headers: Headers) => {
  const note = await createNote(app, headers);
  await app.request(`/v1/notes/${note.id}`, { method: "PATCH", headers, body: '{"title":"changed"}' });
  return note;
};

/** One ordinary request per rate-limited operation; the failures every such operation shares reuse them. */
export const ordinary = {
  getMe: (app: App, headers: Headers) => app.request("/v1/me", { headers }),
  createNote: (app: App, headers: Headers) => app.request("/v1/notes", { method: "POST", headers, body: noteBody }),
  listNotes: (app: App, headers: Headers) => app.request("/v1/notes", { headers }),
  readNote: (app: App, headers: Headers) => app.request(`/v1/notes/${crypto.randomUUID()}`, { headers }),
  updateNote: (app: App, headers: Headers) =>
    app.request(`/v1/notes/${crypto.randomUUID()}`, { method: "PATCH", headers, body: noteBody }),
  deleteNote: (app: App, headers: Headers) =>
    app.request(`/v1/notes/${crypto.randomUUID()}`, { method: "DELETE", headers }),
  openapiDocument: (app: App) => app.request("/openapi.json"),
  apiReference: (app: App) => app.request("/docs"),
  apiReferenceScript: (app: App) => app.request("/docs/scalar.js"),
};
export type Operation = keyof typeof ordinary;
/** The operations behind a bearer token. */
export const authenticated: Operation[] = ["getMe", "createNote", "listNotes", "readNote", "updateNote", "deleteNote"];
/** The operations that query the database. */
export const databaseBacked = authenticated.filter((operation) => operation !== "getMe");

/** Builds the apps every case may use; `close` ends their databases. */
export const buildWorld = async (): Promise<World & { close: () => Promise<void> }> => {
  const env = { BODY_LIMIT_BYTES: String(BODY_LIMIT), RATE_LIMIT_PER_MINUTE: "600" };
  const db = await freshPglite();
  const unmigrated = await freshPglite({ migrated: false });
  const refused = createPostgresDatabase({
    url: `postgres://berth:secret@127.0.0.1:${await freePort()}/berth`,
    ssl: "disable",
    poolMax: 1,
    timeoutMs: 1000,
  });
  const limitedEnv = { ...env, RATE_LIMIT_PER_MINUTE: "1" };
  return {
    db,
    app: buildTestApp({ db, env }).app,
    limited: () => buildTestApp({ db, cache: boundedCache(memoryCache(), 10), env: limitedEnv }).app,
    broken: buildTestApp({ db: unmigrated, env }).app,
    unreachable: buildTestApp({ db: refused, env }).app,
    starting: buildTestApp({ db, env, lifecycle: createLifecycle({ started: false }) }).app,
    close: async () => {
      await Promise.all([db, unmigrated, refused].map((d) => d.close()));
    },
  };
};
