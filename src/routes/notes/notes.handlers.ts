import type { NoteRow } from "../../db/schema";
import { type AppRouteHandler, PER_USER_CACHE_CONTROL, Problem } from "../../http";
import { type Idempotency, requestFingerprint, type StoredResponse } from "../../idempotency";
import { etagOf, expectedVersion, noneMatch } from "./conditional";
import { decodeCursor, encodeCursor, isUuid } from "./cursor";
import type { CreateNoteRoute, ListNotesRoute, ReadNoteRoute, RemoveNoteRoute, UpdateNoteRoute } from "./notes.routes";
import { insertNote } from "./repository";
import type { NoteDto } from "./schemas";
import type { NotesService } from "./service";

const toDto = (row: NoteRow) => ({
  id: row.id,
  title: row.title,
  body: row.body,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

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

const created = (row: NoteRow): StoredResponse => ({
  status: 201,
  headers: { Location: `/v1/notes/${row.id}`, ETag: etagOf(row.version) },
  body: JSON.stringify(toDto(row)),
});

/**
 * The notes handlers over one service: every one scoped to the token's `sub`, so another user's
 * note is a 404.
 *
 * @example
 * const handlers = createNotesHandlers(createNotesService(...), createIdempotency(db));
 */
export const createNotesHandlers = (notes: NotesService, idempotent: Idempotency) => {
  const create: AppRouteHandler<CreateNoteRoute> = async (c) => {
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
  };

  const list: AppRouteHandler<ListNotesRoute> = async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const rows = await notes.list(c.var.user.id, limit, cursor ? decodeCursor(cursor) : undefined);
    const page = rows.slice(0, limit);
    c.header("Cache-Control", PER_USER_CACHE_CONTROL);
    const last = page.at(-1);
    return c.json({ items: page.map(toDto), nextCursor: rows.length > limit && last ? encodeCursor(last) : null }, 200);
  };

  const read: AppRouteHandler<ReadNoteRoute> = async (c) => {
    const row = await notes.find(c.var.user.id, ownNoteId(c.req.valid("param").id));
    if (!row) throw notFound();
    c.header("ETag", etagOf(row.version));
    c.header("Cache-Control", PER_USER_CACHE_CONTROL);
    if (noneMatch(c.req.header("If-None-Match"), row.version)) return c.body(null, 304);
    return c.json(toDto(row), 200);
  };

  const update: AppRouteHandler<UpdateNoteRoute> = async (c) => {
    const owner = c.var.user.id;
    const id = ownNoteId(c.req.valid("param").id);
    const version = versionFrom(c.req.header("If-Match"));
    const row = await notes.update(owner, id, c.req.valid("json"), version);
    if (!row) throw (await notes.find(owner, id)) ? preconditionFailed() : notFound();
    c.header("ETag", etagOf(row.version));
    return c.json(toDto(row), 200);
  };

  const remove: AppRouteHandler<RemoveNoteRoute> = async (c) => {
    const owner = c.var.user.id;
    const id = ownNoteId(c.req.valid("param").id);
    const removed = await notes.remove(owner, id, versionFrom(c.req.header("If-Match")));
    if (!removed) throw (await notes.find(owner, id)) ? preconditionFailed() : notFound();
    return c.body(null, 204);
  };

  return { create, list, read, update, remove };
};
