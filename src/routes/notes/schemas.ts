import { z } from "@hono/zod-openapi";

/**
 * Text Postgres can store as given: no NUL character and no unpaired UTF-16 surrogate. The same
 * pattern reads right with and without the `u` flag, so JSON Schema validators agree with zod.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: excluding NUL is the point
const STORABLE_TEXT = /^(?:[^\u0000\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

// Lengths count characters (code points), as JSON Schema's minLength/maxLength do, not UTF-16 units.
const characters = (s: string) => {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) n--;
  }
  return n;
};

/** A string of `min`–`max` storable characters, documented with the same bounds it enforces. */
const text = (min: number, max: number) =>
  z
    .string()
    .regex(STORABLE_TEXT, { message: "expected text without NUL characters or unpaired surrogates" })
    .refine((s) => characters(s) >= min && characters(s) <= max, {
      message: `expected ${min === 0 ? `at most ${max}` : `${min} to ${max}`} characters`,
    })
    .openapi({ minLength: min, maxLength: max });

export const TITLE_MAX = 200;
export const BODY_MAX = 100_000;

/** A note as the API returns it; the owner and version stay internal. */
export const NoteSchema = z
  .object({
    id: z.uuid(),
    title: z.string().openapi({ minLength: 1, maxLength: TITLE_MAX }),
    body: z.string().openapi({ maxLength: BODY_MAX }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Note");

export const CreateNoteSchema = z
  .strictObject({
    title: text(1, TITLE_MAX),
    body: text(0, BODY_MAX).default(""),
  })
  .openapi("CreateNote");

export const UpdateNoteSchema = z
  .strictObject({
    title: text(1, TITLE_MAX).optional(),
    body: text(0, BODY_MAX).optional(),
  })
  .refine((v) => v.title !== undefined || v.body !== undefined, { message: "expected title and/or body" })
  .openapi("UpdateNote", { minProperties: 1 });

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
    .openapi({
      param: { name: "limit", in: "query" },
      type: "integer",
      minimum: 1,
      maximum: 100,
      default: 20,
      description: "Page size, 1–100",
    }),
  cursor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({
      param: { name: "cursor", in: "query" },
      description: "The `nextCursor` of the previous page, as returned (opaque)",
    }),
});

export const NoteParamsSchema = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, format: "uuid" }),
});

/** Visible ASCII only: a key travels in a header and is compared byte for byte. */
export const CreateNoteHeadersSchema = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, { message: "expected 1 to 255 visible ASCII characters" })
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description:
        "Makes retries safe: the same key and body within 24 h replay the first response " +
        "(`Idempotent-Replayed: true`); the same key with another body is 422; a retry while the first is in flight is 409.",
    }),
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
