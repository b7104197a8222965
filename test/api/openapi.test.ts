import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020";
import fc from "fast-check";
import type { Database } from "../../src/db/types";
import { databaseBackends } from "../fixtures/databases";
import { apiClient, authHeaders, bearer, buildTestApp } from "./app";

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema: object }[] }>>;
  components: { schemas: Record<string, object> };
};

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

/** Bodies around the documented shape: valid, near misses, and anything JSON. */
const noteBodies = () => {
  const text = fc.oneof(
    fc.string({ maxLength: 210 }),
    fc.string({ unit: "grapheme", maxLength: 205 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.constantFrom(
      "",
      "a\u0000b",
      "\ud800",
      "ok",
      "🦀".repeat(200),
      "🦀".repeat(201),
      "t".repeat(200),
      "t".repeat(201),
    ),
  );
  const field = fc.oneof({ weight: 5, arbitrary: text }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) });
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ title: field, body: field }, { requiredKeys: [] }) },
    {
      weight: 1,
      arbitrary: fc.record({ title: text, extra: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: ["title"] }),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
};

/**
 * The schemas' described rule no pattern can state portably: no string holds an unpaired
 * surrogate (JSON can carry one as a `\ud800` escape).
 */
const wellFormed = (value: unknown): boolean =>
  typeof value === "string"
    ? value.isWellFormed()
    : typeof value === "object" && value !== null
      ? Object.entries(value).every(([k, v]) => k.isWellFormed() && wellFormed(v))
      : true;

for (const backend of databaseBackends()) {
  describe(`OpenAPI document on ${backend.name}`, () => {
    let db: Database;
    let app: ReturnType<typeof buildTestApp>["app"];
    let doc: Doc;
    beforeAll(async () => {
      db = await backend.open();
      app = buildTestApp({ db, env: { RATE_LIMIT_PER_MINUTE: "0" } }).app;
      // The document and /docs are served outside AppType, so they are fetched by path.
      doc = (await (await app.request("/openapi.json")).json()) as Doc;
    }, 30_000);
    afterAll(() => db.close());

    test("is a structurally valid OpenAPI 3.1 document", async () => {
      expect(doc.openapi).toBe("3.1.0");
      const result = await new Validator().validate(doc);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
    });

    test("documents every route the app serves, and nothing it does not", () => {
      const served = new Set(
        app.routes
          .filter((r) => r.method !== "ALL")
          .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
      );
      const documented = new Set(
        Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`)),
      );
      expect([...documented].sort()).toEqual([...served].sort());
      for (const route of [
        "get /v1/me",
        "post /v1/notes",
        "get /v1/notes",
        "get /v1/notes/{id}",
        "patch /v1/notes/{id}",
        "delete /v1/notes/{id}",
        "get /livez",
        "get /readyz",
        "get /startupz",
        "get /health",
        "get /openapi.json",
        "get /docs",
      ]) {
        expect(documented).toContain(route);
      }
    });

    test("/docs is an interactive reference that reads /openapi.json", async () => {
      const res = await app.request("/docs");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(await res.text()).toContain("/openapi.json");
    });

    test("the documented request bodies accept exactly what the validator accepts", async () => {
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      const schemas = doc.components.schemas;
      const checks = [
        { name: "CreateNote", valid: ajv.compile(schemas.CreateNote as object), method: "POST", ok: 201 },
        { name: "UpdateNote", valid: ajv.compile(schemas.UpdateNote as object), method: "PATCH", ok: 200 },
      ];
      const headers = await authHeaders("schema-user");
      const created = await apiClient(app, await bearer("schema-user")).v1.notes.$post({
        header: {},
        json: { title: "target" },
      });
      const note = (await created.json()) as { id: string };
      // Raw: any JSON body, most of them outside the schema the typed client holds to.
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...checks), noteBodies(), async (check, body) => {
          const path = check.method === "POST" ? "/v1/notes" : `/v1/notes/${note.id}`;
          const res = await app.request(path, { method: check.method, headers, body: JSON.stringify(body) });
          const documented = check.valid(body) && wellFormed(body);
          if (documented) expect(res.status).toBe(check.ok);
          else expect(res.status).toBe(400);
        }),
        { numRuns: RUNS },
      );
    });

    test("documented parameters match the validator: limit and Idempotency-Key", async () => {
      const ajv = new Ajv2020({ strict: false });
      const param = (path: string, method: string, name: string) =>
        doc.paths[path]?.[method]?.parameters?.find((p) => p.name.toLowerCase() === name)?.schema as object;
      const limitValid = ajv.compile(param("/v1/notes", "get", "limit"));
      const keyValid = ajv.compile(param("/v1/notes", "post", "idempotency-key"));
      const notes = apiClient(app, await bearer("param-user")).v1.notes;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: -5, max: 110 }), async (limit) => {
          const res = await notes.$get({ query: { limit: String(limit) } });
          expect(res.status).toBe(limitValid(limit) ? 200 : 400);
        }),
        { numRuns: 60 },
      );
      const visible = fc.string({
        unit: fc.constantFrom(..."aZ09-_.:~!{} \t/".split("")),
        minLength: 0,
        maxLength: 300,
      });
      await fc.assert(
        fc.asyncProperty(visible, async (raw) => {
          const key = raw.trim();
          if (!key) return;
          const res = await notes.$post({ header: { "idempotency-key": key }, json: { title: "k" } });
          expect(res.status).toBe(keyValid(key) ? 201 : 400);
        }),
        { numRuns: 60 },
      );
    });
  });
}
