/** A note's entity tag: its version, which every write increments. */
export const etagOf = (version: number) => `"v${version}"`;

const tags = (header: string) => header.split(",").map((t) => t.trim().replace(/^W\//, ""));

/** `If-None-Match` (weak comparison): true when the client's copy is current. */
export const noneMatch = (header: string | undefined, version: number) =>
  header !== undefined && (header.trim() === "*" || tags(header).includes(etagOf(version)));

/** The version an `If-Match` header demands, `"any"` for `*`, `"none"` when it names no version we issue. */
export const expectedVersion = (header: string | undefined): number | "any" | "none" | undefined => {
  if (header === undefined) return undefined;
  if (header.trim() === "*") return "any";
  for (const tag of header.split(",").map((t) => t.trim())) {
    const match = /^"v(\d{1,9})"$/.exec(tag);
    if (match) return Number(match[1]);
  }
  return "none";
};
