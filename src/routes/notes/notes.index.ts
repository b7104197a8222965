import { createRouter } from "../../http";
import type { Idempotency } from "../../idempotency";
import { createNotesHandlers } from "./notes.handlers";
import { notesRoutes as routes } from "./notes.routes";
import type { NotesService } from "./service";

/** The notes resource, `/v1/notes` and `/v1/notes/:id`, over one service. */
export const createNotesRouter = (notes: NotesService, idempotent: Idempotency) => {
  const handlers = createNotesHandlers(notes, idempotent);
  return createRouter()
    .openapi(routes.create, handlers.create)
    .openapi(routes.list, handlers.list)
    .openapi(routes.read, handlers.read)
    .openapi(routes.update, handlers.update)
    .openapi(routes.remove, handlers.remove);
};
