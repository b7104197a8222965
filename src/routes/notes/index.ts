import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app/env";
import { Problem } from "../../app/problem";
import { requireJson } from "../../app/require-json";
import type { NoteRow } from "../../db/schema";
import { type Idempotency, requestFingerprint, type StoredResponse } from "../../idempotency";
import { etagOf, expectedVersion, noneMatch } from "./conditional";
import { decodeCursor, encodeCursor, isUuid } from "./cursor";
import { insertNote } from "./repository";
import {
  CreateNoteHeadersSchema,
  CreateNoteSchema,
  ListQuerySchema,
  type NoteDto,
  NoteListSchema,
  NoteParamsSchema,
  NoteSchema,
  ProblemSchema,
  UpdateNoteSchema,
} from "./schemas";
import type { NotesService } from "./service";

const toDto = (row: NoteRow) => ({
  id: row.id,
  title: row.title,
  body: row.body,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const json = <T>(schema: T) => ({ content: { "application/json": { schema } } });
const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});
const errors = {
  400: problem("Invalid input"),
  401: problem("Missing or invalid bearer token"),
  429: problem("Rate limited; see Retry-After and RateLimit-*"),
  500: problem("Unexpected error"),
  503: problem("Database unavailable; see Retry-After"),
};
const bodyErrors = { 413: problem("Body over the limit"), 415: problem("Body is not JSON") };
const security = [{ bearerAuth: [] }];

const notFound = () => new Problem(404, "No such note.");
const preconditionFailed = () =>
  new Problem(412, "The note changed since the version named in If-Match; fetch it again and retry.");

/** Resolves If-Match to a version to update against, or answers 412 before touching the database. */
const versionFrom = (header: string | undefined) => {
  const expected = expectedVersion(header);
  if (expected === "none") throw preconditionFailed();
  return expected === "any" ? undefined : expected;
};

const ownNoteId = (id: string) => {
  if (!isUuid(id)) throw notFound();
  return id.toLowerCase();
};

const routes = {
  create: createRoute({
    method: "post",
    path: "/v1/notes",
    tags: ["notes"],
    summary: "Create a note",
    security,
    middleware: [requireJson] as const,
    request: { headers: CreateNoteHeadersSchema, body: { ...json(CreateNoteSchema), required: true } },
    responses: {
      201: { description: "Created (or replayed, with `Idempotent-Replayed: true`)", ...json(NoteSchema) },
      409: problem("A request with this Idempotency-Key is still in flight"),
      422: problem("This Idempotency-Key was used with another body"),
      ...errors,
      ...bodyErrors,
    },
  }),
  list: createRoute({
    method: "get",
    path: "/v1/notes",
    tags: ["notes"],
    summary: "List own notes, newest first",
    security,
    request: { query: ListQuerySchema },
    responses: { 200: { description: "A page of notes", ...json(NoteListSchema) }, ...errors },
  }),
  read: createRoute({
    method: "get",
    path: "/v1/notes/{id}",
    tags: ["notes"],
    summary: "Read one own note",
    security,
    request: { params: NoteParamsSchema },
    responses: {
      200: { description: "The note, with ETag", ...json(NoteSchema) },
      304: { description: "Not modified (If-None-Match)" },
      404: problem("No such note"),
      ...errors,
    },
  }),
  update: createRoute({
    method: "patch",
    path: "/v1/notes/{id}",
    tags: ["notes"],
    summary: "Change title and/or body",
    security,
    middleware: [requireJson] as const,
    request: { params: NoteParamsSchema, body: { ...json(UpdateNoteSchema), required: true } },
    responses: {
      200: { description: "The updated note", ...json(NoteSchema) },
      404: problem("No such note"),
      412: problem("If-Match is stale"),
      ...errors,
      ...bodyErrors,
    },
  }),
  remove: createRoute({
    method: "delete",
    path: "/v1/notes/{id}",
    tags: ["notes"],
    summary: "Delete a note",
    security,
    request: { params: NoteParamsSchema },
    responses: {
      204: { description: "Deleted" },
      404: problem("No such note"),
      412: problem("If-Match is stale"),
      ...errors,
    },
  }),
};

const created = (row: NoteRow): StoredResponse => ({
  status: 201,
  headers: { Location: `/v1/notes/${row.id}`, ETag: etagOf(row.version) },
  body: JSON.stringify(toDto(row)),
});

/** The notes resource: every route scoped to the token's `sub`; another user's note is a 404. */
export const notesRoutes = (notes: NotesService, idempotent: Idempotency) =>
  new OpenAPIHono<AppEnv>()
    .openapi(routes.create, async (c) => {
      const owner = c.var.user.id;
      const input = c.req.valid("json");
      const key = c.req.valid("header")["idempotency-key"];
      let response: StoredResponse;
      if (key) {
        const once = await idempotent.run({
          ownerId: owner,
          key,
          fingerprint: await requestFingerprint("POST", "/v1/notes", input),
          perform: async (tx) => created(await insertNote(tx, owner, input)),
        });
        if (once.replayed) c.header("Idempotent-Replayed", "true");
        response = once.response;
      } else {
        response = created(await notes.create(owner, input));
      }
      for (const [name, value] of Object.entries(response.headers)) c.header(name, value);
      return c.json(JSON.parse(response.body) as NoteDto, 201);
    })
    .openapi(routes.list, async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const rows = await notes.list(c.var.user.id, limit, cursor ? decodeCursor(cursor) : undefined);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return c.json(
        { items: page.map(toDto), nextCursor: rows.length > limit && last ? encodeCursor(last) : null },
        200,
      );
    })
    .openapi(routes.read, async (c) => {
      const row = await notes.find(c.var.user.id, ownNoteId(c.req.valid("param").id));
      if (!row) throw notFound();
      c.header("ETag", etagOf(row.version));
      if (noneMatch(c.req.header("If-None-Match"), row.version)) return c.body(null, 304);
      return c.json(toDto(row), 200);
    })
    .openapi(routes.update, async (c) => {
      const owner = c.var.user.id;
      const id = ownNoteId(c.req.valid("param").id);
      const version = versionFrom(c.req.header("If-Match"));
      const row = await notes.update(owner, id, c.req.valid("json"), version);
      if (!row) throw (await notes.find(owner, id)) ? preconditionFailed() : notFound();
      c.header("ETag", etagOf(row.version));
      return c.json(toDto(row), 200);
    })
    .openapi(routes.remove, async (c) => {
      const owner = c.var.user.id;
      const id = ownNoteId(c.req.valid("param").id);
      const removed = await notes.remove(owner, id, versionFrom(c.req.header("If-Match")));
      if (!removed) throw (await notes.find(owner, id)) ? preconditionFailed() : notFound();
      return c.body(null, 204);
    });
