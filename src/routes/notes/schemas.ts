import { z } from "@hono/zod-openapi";

// No NUL character: Postgres text cannot hold one. `\x00` reads the same in every regex dialect
// JSON Schema validators use (ECMA-262, Rust, Python, PCRE), unlike a pattern over surrogates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: excluding NUL is the point
const WITHOUT_NUL = /^[^\x00]*$/;

// Lengths count characters (code points), as JSON Schema's minLength/maxLength do, not UTF-16 units.
const characters = (s: string) => {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) n--;
  }
  return n;
};

/**
 * A string of `min`–`max` storable characters, documented with the same bounds it enforces. An
 * unpaired surrogate (`"\ud800"` escaped in JSON) is not a character, so it is refused too; a
 * pattern cannot say so portably, hence the description.
 */
const text = (min: number, max: number) =>
  z
    .string()
    .regex(WITHOUT_NUL, { message: "expected text without NUL characters" })
    .refine((s) => s.isWellFormed(), { message: "expected text without unpaired surrogates" })
    .refine((s) => characters(s) >= min && characters(s) <= max, {
      message: `expected ${min === 0 ? `at most ${max}` : `${min} to ${max}`} characters`,
    })
    .openapi({
      minLength: min,
      maxLength: max,
      description: `${min}–${max} Unicode characters; no NUL and no unpaired surrogate.`,
    });

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

// The byte limit wins: it applies to the body as sent, so escapes count as they are written.
const BYTES_RULE =
  "The request body as sent is limited to BODY_LIMIT_BYTES (1 MiB by default; 413 beyond it): " +
  "a note at the character limits fits as UTF-8, but one written with `\\u` escapes can be refused.";

export const CreateNoteSchema = z
  .strictObject({
    title: text(1, TITLE_MAX),
    body: text(0, BODY_MAX).default(""),
  })
  .openapi("CreateNote", { description: BYTES_RULE });

export const UpdateNoteSchema = z
  .strictObject({
    title: text(1, TITLE_MAX).optional(),
    body: text(0, BODY_MAX).optional(),
  })
  .refine((v) => v.title !== undefined || v.body !== undefined, { message: "expected title and/or body" })
  .openapi("UpdateNote", { minProperties: 1, description: BYTES_RULE });

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

export type NoteDto = z.infer<typeof NoteSchema>;
