import { createRoute } from "@hono/zod-openapi";
import {
  authErrors,
  bodyErrors,
  databaseErrors,
  empty,
  headers,
  json,
  parameter,
  perUserRead,
  problem,
  requireJson,
  tooLarge,
} from "../../http";
import {
  CreateNoteHeadersSchema,
  CreateNoteSchema,
  ListQuerySchema,
  NoteListSchema,
  NoteParamsSchema,
  NoteSchema,
  UpdateNoteSchema,
} from "./schemas";

const body = <T>(schema: T) => ({ content: { "application/json": { schema } }, required: true });
const notFound = { 404: problem("No such note (or another user's)") };
const stale = { 412: problem("If-Match names another version; nothing changed") };
const security = [{ bearerAuth: [] }];

/** The notes resource's route definitions: what each route accepts and answers, for validation and the OpenAPI document. */
export const notesRoutes = {
  create: createRoute({
    method: "post",
    path: "/v1/notes",
    tags: ["notes"],
    summary: "Create a note",
    operationId: "createNote",
    description:
      "Creates a note owned by the token's subject; answers 201 with `Location` and `ETag`. With `Idempotency-Key`, a retry replays the first response.",
    security,
    middleware: [requireJson] as const,
    request: { headers: CreateNoteHeadersSchema, body: body(CreateNoteSchema) },
    responses: {
      201: json(
        "Created (or replayed, with `Idempotent-Replayed: true`)",
        NoteSchema,
        headers("Location", "ETag", "Idempotent-Replayed"),
      ),
      409: problem("A request with this Idempotency-Key is still in flight", headers("Retry-After")),
      422: problem("This Idempotency-Key was used with another body"),
      ...bodyErrors,
      ...authErrors,
      ...tooLarge,
      ...databaseErrors,
    },
  }),
  list: createRoute({
    method: "get",
    path: "/v1/notes",
    tags: ["notes"],
    summary: "List own notes, newest first",
    operationId: "listNotes",
    description:
      "The caller's own notes, newest first, one keyset page at a time; pass `nextCursor` back as `cursor` for the next page.",
    security,
    request: { query: ListQuerySchema },
    responses: {
      200: json("A page of notes", NoteListSchema, perUserRead(false)),
      400: problem("`limit` or `cursor` is invalid; `errors` names it"),
      ...authErrors,
      ...databaseErrors,
    },
  }),
  read: createRoute({
    method: "get",
    path: "/v1/notes/{id}",
    tags: ["notes"],
    summary: "Read one own note",
    operationId: "readNote",
    description:
      "One of the caller's notes, with its `ETag`; `If-None-Match` with a current tag answers 304. Another user's note is a 404.",
    security,
    parameters: [parameter("If-None-Match")],
    request: { params: NoteParamsSchema },
    responses: {
      200: json("The note, with ETag", NoteSchema, perUserRead(true)),
      304: empty("Not modified: If-None-Match names the current version", perUserRead(true)),
      ...notFound,
      ...authErrors,
      ...databaseErrors,
    },
  }),
  update: createRoute({
    method: "patch",
    path: "/v1/notes/{id}",
    tags: ["notes"],
    summary: "Change title and/or body",
    operationId: "updateNote",
    description: "Changes `title` and/or `body`. `If-Match` with a stale tag answers 412 and changes nothing.",
    security,
    middleware: [requireJson] as const,
    parameters: [parameter("If-Match")],
    request: { params: NoteParamsSchema, body: body(UpdateNoteSchema) },
    responses: {
      200: json("The updated note, with its new ETag", NoteSchema, headers("ETag")),
      ...notFound,
      ...stale,
      ...bodyErrors,
      ...authErrors,
      ...tooLarge,
      ...databaseErrors,
    },
  }),
  remove: createRoute({
    method: "delete",
    path: "/v1/notes/{id}",
    tags: ["notes"],
    summary: "Delete a note",
    operationId: "deleteNote",
    description: "Deletes one of the caller's notes; `If-Match` with a stale tag answers 412.",
    security,
    parameters: [parameter("If-Match")],
    request: { params: NoteParamsSchema },
    responses: {
      204: empty("Deleted"),
      ...notFound,
      ...stale,
      ...authErrors,
      ...tooLarge,
      ...databaseErrors,
    },
  }),
};

export type CreateNoteRoute = typeof notesRoutes.create;
export type ListNotesRoute = typeof notesRoutes.list;
export type ReadNoteRoute = typeof notesRoutes.read;
export type UpdateNoteRoute = typeof notesRoutes.update;
export type RemoveNoteRoute = typeof notesRoutes.remove;
