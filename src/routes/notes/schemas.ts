import { z } from "@hono/zod-openapi";

/** A note as the API returns it; the owner and version stay internal. */
export const NoteSchema = z
  .object({
    id: z.uuid(),
    title: z.string().min(1).max(200),
    body: z.string().max(100_000),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Note");

export const CreateNoteSchema = z
  .strictObject({
    title: z.string().min(1).max(200),
    body: z.string().max(100_000).default(""),
  })
  .openapi("CreateNote");

export const UpdateNoteSchema = z
  .strictObject({
    title: z.string().min(1).max(200).optional(),
    body: z.string().max(100_000).optional(),
  })
  .refine((v) => v.title !== undefined || v.body !== undefined, { message: "expected title and/or body" })
  .openapi("UpdateNote");

export const NoteListSchema = z
  .object({ items: z.array(NoteSchema), nextCursor: z.string().nullable() })
  .openapi("NoteList");

export const ListQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ param: { name: "limit", in: "query" } }),
  cursor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" } }),
});

export const NoteParamsSchema = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, format: "uuid" }),
});

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    requestId: z.string().nullable(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

export type NoteDto = z.infer<typeof NoteSchema>;
