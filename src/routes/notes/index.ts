export { createNotesRouter } from "./notes.index";
export { createNotesRepository } from "./repository";
export { createNotesService } from "./service";
