import { createRoute } from "@hono/zod-openapi";
import { problem, requireJson } from "../../http";
import {
  CreateNoteHeadersSchema,
  CreateNoteSchema,
  ListQuerySchema,
  NoteListSchema,
  NoteParamsSchema,
  NoteSchema,
  UpdateNoteSchema,
} from "./schemas";

const json = <T>(schema: T) => ({ content: { "application/json": { schema } } });
const errors = {
  400: problem("Invalid input"),
  401: problem("Missing or invalid bearer token"),
  429: problem("Rate limited; see Retry-After and RateLimit-*"),
  500: problem("Unexpected error"),
  503: problem("Database unavailable; see Retry-After"),
};
const bodyErrors = { 413: problem("Body over the limit"), 415: problem("Body is not JSON") };
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
    operationId: "listNotes",
    description:
      "The caller's own notes, newest first, one keyset page at a time; pass `nextCursor` back as `cursor` for the next page.",
    security,
    request: { query: ListQuerySchema },
    responses: { 200: { description: "A page of notes", ...json(NoteListSchema) }, ...errors },
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
    operationId: "updateNote",
    description: "Changes `title` and/or `body`. `If-Match` with a stale tag answers 412 and changes nothing.",
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
    operationId: "deleteNote",
    description: "Deletes one of the caller's notes; `If-Match` with a stale tag answers 412.",
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

export type CreateNoteRoute = typeof notesRoutes.create;
export type ListNotesRoute = typeof notesRoutes.list;
export type ReadNoteRoute = typeof notesRoutes.read;
export type UpdateNoteRoute = typeof notesRoutes.update;
export type RemoveNoteRoute = typeof notesRoutes.remove;
