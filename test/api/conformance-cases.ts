import { requestFingerprint } from "../../src/idempotency";
import { createIdempotencyStore } from "../../src/idempotency/store";
import { authHeaders } from "./app";
import {
  authenticated,
  type Case,
  changedNote,
  createNote,
  databaseBacked,
  type Headers,
  NO_TOKEN,
  noteBody,
  type Operation,
  ordinary,
  overLimit,
  user,
  type World,
} from "./conformance-world";

/** The failures every rate-limited, authenticated or database-backed operation shares. */
export const sharedCases: Case[] = [
  ...(Object.keys(ordinary) as Operation[]).map((operation) => ({
    operation,
    status: 429,
    name: "the second request in a minute allowing one",
    send: async ({ limited }: World) => {
      const [app, headers] = [limited(), await user()];
      await ordinary[operation](app, headers);
      return ordinary[operation](app, headers);
    },
  })),
  ...authenticated.map((operation) => ({
    operation,
    status: 401,
    name: "no Authorization header",
    send: ({ app }: World) => ordinary[operation](app, NO_TOKEN),
  })),
  ...databaseBacked.flatMap((operation) => [
    {
      operation,
      status: 500,
      name: "a database fault (no notes table)",
      send: async ({ broken }: World) => ordinary[operation](broken, await user()),
    },
    {
      operation,
      status: 503,
      name: "the database refuses connections",
      send: async ({ unreachable }: World) => ordinary[operation](unreachable, await user()),
    },
  ]),
];

const json = (headers: Headers, body: unknown) => ({ headers, body: JSON.stringify(body) });

/** The responses of `/v1/me` and the notes routes that depend on what the request says. */
export const notesCases: Case[] = [
  {
    operation: "getMe",
    status: 200,
    name: "a valid bearer token",
    send: async ({ app }) => ordinary.getMe(app, await user()),
  },
  {
    operation: "getMe",
    status: 401,
    name: "a token that fails verification",
    send: ({ app }) => ordinary.getMe(app, { Authorization: "Bearer a.b.c" }),
  },
  {
    operation: "createNote",
    status: 201,
    name: "a new note",
    send: async ({ app }) => ordinary.createNote(app, await user()),
  },
  {
    operation: "createNote",
    status: 201,
    name: "a retry with the same Idempotency-Key replays",
    send: async ({ app }) => {
      const headers = await user({ "Idempotency-Key": "conformance-replay" });
      await ordinary.createNote(app, headers);
      return ordinary.createNote(app, headers);
    },
  },
  {
    operation: "createNote",
    status: 400,
    name: "no title",
    send: async ({ app }) => app.request("/v1/notes", { method: "POST", ...json(await user(), { body: "b" }) }),
  },
  {
    operation: "createNote",
    status: 409,
    name: "the Idempotency-Key is held by a request still in flight",
    send: async ({ app, db }) => {
      const sub = `conformance-${crypto.randomUUID()}`;
      const input = { title: "held", body: "b" };
      const fingerprint = await requestFingerprint("POST", "/v1/notes", input);
      await createIdempotencyStore(db).claim(sub, "in-flight", fingerprint);
      const headers = await authHeaders(sub, { "Idempotency-Key": "in-flight" });
      return app.request("/v1/notes", { method: "POST", ...json(headers, input) });
    },
  },
  {
    operation: "createNote",
    status: 413,
    name: "a body over BODY_LIMIT_BYTES",
    send: async ({ app }) => app.request("/v1/notes", { method: "POST", headers: await user(), body: overLimit }),
  },
  {
    operation: "createNote",
    status: 415,
    name: "a text/plain body",
    send: async ({ app }) =>
      app.request("/v1/notes", {
        method: "POST",
        headers: await user({ "Content-Type": "text/plain" }),
        body: noteBody,
      }),
  },
  {
    operation: "createNote",
    status: 422,
    name: "an Idempotency-Key reused with another body",
    send: async ({ app }) => {
      const headers = await user({ "Idempotency-Key": "conformance-reused" });
      await ordinary.createNote(app, headers);
      return app.request("/v1/notes", { method: "POST", ...json(headers, { title: "another" }) });
    },
  },
  {
    operation: "listNotes",
    status: 200,
    name: "a page of notes",
    send: async ({ app }) => {
      const headers = await user();
      await createNote(app, headers);
      return app.request("/v1/notes?limit=5", { headers });
    },
  },
  {
    operation: "listNotes",
    status: 400,
    name: "a cursor this API never returned",
    send: async ({ app }) => app.request("/v1/notes?cursor=not-a-cursor", { headers: await user() }),
  },
  {
    operation: "readNote",
    status: 200,
    name: "an own note",
    send: async ({ app }) => {
      const headers = await user();
      return app.request(`/v1/notes/${(await createNote(app, headers)).id}`, { headers });
    },
  },
  {
    operation: "readNote",
    status: 304,
    name: "If-None-Match with the current ETag",
    send: async ({ app }) => {
      const headers = await user();
      const { id, etag } = await createNote(app, headers);
      return app.request(`/v1/notes/${id}`, { headers: { ...headers, "If-None-Match": etag } });
    },
  },
  {
    operation: "readNote",
    status: 404,
    name: "another user's note",
    send: async ({ app }) => {
      const { id } = await createNote(app, await user());
      return app.request(`/v1/notes/${id}`, { headers: await user() });
    },
  },
  {
    operation: "updateNote",
    status: 200,
    name: "a new title with the current If-Match",
    send: async ({ app }) => {
      const headers = await user();
      const { id, etag } = await createNote(app, headers);
      return app.request(`/v1/notes/${id}`, {
        method: "PATCH",
        ...json({ ...headers, "If-Match": etag }, { title: "new" }),
      });
    },
  },
  {
    operation: "updateNote",
    status: 400,
    name: "an unknown field",
    send: async ({ app }) => {
      const headers = await user();
      const { id } = await createNote(app, headers);
      return app.request(`/v1/notes/${id}`, { method: "PATCH", ...json(headers, { colour: "red" }) });
    },
  },
  {
    operation: "updateNote",
    status: 404,
    name: "no such note",
    send: async ({ app }) => ordinary.updateNote(app, await user()),
  },
  {
    operation: "updateNote",
    status: 412,
    name: "a stale If-Match",
    send: async ({ app }) => {
      const headers = await user();
      const { id, etag } = await changedNote(app, headers);
      return app.request(`/v1/notes/${id}`, {
        method: "PATCH",
        ...json({ ...headers, "If-Match": etag }, { title: "late" }),
      });
    },
  },
  {
    operation: "updateNote",
    status: 413,
    name: "a body over BODY_LIMIT_BYTES",
    send: async ({ app }) =>
      app.request(`/v1/notes/${crypto.randomUUID()}`, { method: "PATCH", headers: await user(), body: overLimit }),
  },
  {
    operation: "updateNote",
    status: 415,
    name: "a form body",
    send: async ({ app }) =>
      app.request(`/v1/notes/${crypto.randomUUID()}`, {
        method: "PATCH",
        headers: await user({ "Content-Type": "application/x-www-form-urlencoded" }),
        body: "title=form",
      }),
  },
  {
    operation: "deleteNote",
    status: 204,
    name: "an own note",
    send: async ({ app }) => {
      const headers = await user();
      return app.request(`/v1/notes/${(await createNote(app, headers)).id}`, { method: "DELETE", headers });
    },
  },
  {
    operation: "deleteNote",
    status: 404,
    name: "no such note",
    send: async ({ app }) => ordinary.deleteNote(app, await user()),
  },
  {
    operation: "deleteNote",
    status: 412,
    name: "a stale If-Match",
    send: async ({ app }) => {
      const headers = await user();
      const { id, etag } = await changedNote(app, headers);
      return app.request(`/v1/notes/${id}`, { method: "DELETE", headers: { ...headers, "If-Match": etag } });
    },
  },
  {
    operation: "deleteNote",
    status: 413,
    name: "a body over BODY_LIMIT_BYTES",
    send: async ({ app }) =>
      app.request(`/v1/notes/${crypto.randomUUID()}`, { method: "DELETE", headers: await user(), body: overLimit }),
  },
];
