import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { notesCases, sharedCases } from "./conformance-cases";
import { documentChecker, type OpenApiDocument } from "./conformance-document";
import { buildWorld, type Case, ordinary, type World } from "./conformance-world";

// The probes and the meta routes; the notes and shared cases live in conformance-cases.ts.
const plainCases: Case[] = [
  { operation: "livez", status: 200, name: "the process is up", send: ({ app }) => app.request("/livez") },
  { operation: "readyz", status: 200, name: "started, checks pass", send: ({ app }) => app.request("/readyz") },
  { operation: "readyz", status: 503, name: "still starting", send: ({ starting }) => starting.request("/readyz") },
  { operation: "startupz", status: 200, name: "started", send: ({ app }) => app.request("/startupz") },
  { operation: "startupz", status: 503, name: "still starting", send: ({ starting }) => starting.request("/startupz") },
  ...(["application/json", "application/health+json"] as const).flatMap((media) => [
    {
      operation: "health",
      status: 200,
      media,
      name: "healthy",
      send: ({ app }: World) => app.request("/health", { headers: { Accept: media } }),
    },
    {
      operation: "health",
      status: 503,
      media,
      name: "a critical check fails",
      send: ({ unreachable }: World) => unreachable.request("/health", { headers: { Accept: media } }),
    },
  ]),
  { operation: "openapiDocument", status: 200, name: "the document", send: ({ app }) => ordinary.openapiDocument(app) },
  { operation: "apiReference", status: 200, name: "the page", send: ({ app }) => ordinary.apiReference(app) },
  {
    operation: "apiReferenceScript",
    status: 200,
    name: "the script",
    send: ({ app }) => ordinary.apiReferenceScript(app),
  },
];

const cases = [...notesCases, ...plainCases, ...sharedCases];
const keyOf = ({ operation, status, media }: Case) => [operation, status, media].filter(Boolean).join(" ");

describe("every documented response, produced by a real request and read against the document", () => {
  let world: Awaited<ReturnType<typeof buildWorld>>;
  let checker: ReturnType<typeof documentChecker>;
  beforeAll(async () => {
    world = await buildWorld();
    checker = documentChecker((await (await world.app.request("/openapi.json")).json()) as OpenApiDocument);
  }, 30_000);
  afterAll(() => world.close());
  test("every documented operation × status has a case, and every case a documented response", () => {
    const documented = [...new Set(checker.keys())].sort();
    expect([...new Set(cases.map(keyOf))].sort()).toEqual(documented);
    // The pairs covered, for the record: operation × status, media types folded.
    const pairs = new Set(documented.map((key) => key.split(" ").slice(0, 2).join(" ")));
    console.info(
      `conformance: ${pairs.size} operation × status pairs (${documented.length} with media types), ${cases.length} cases`,
    );
  });

  test.each(cases)("$operation $status: $name", async (c) => {
    expect(await checker.problems(c.operation, c.status, await c.send(world), c.media)).toEqual([]);
  });
});
