import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

type Schema = Record<string, unknown>;
interface HeaderObject {
  required?: boolean;
  schema: Schema;
}
interface ResponseObject {
  headers?: Record<string, HeaderObject | { $ref: string }>;
  content?: Record<string, { schema: Schema }>;
}
interface Operation {
  operationId: string;
  responses: Record<string, ResponseObject>;
}
/** The parts of an OpenAPI 3.1 document the checks read. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { headers?: Record<string, HeaderObject> };
}

// The response headers berth sets on purpose; each must be documented on every response that carries it.
const DELIBERATE_HEADERS = [
  "accept",
  "allow",
  "cache-control",
  "etag",
  "idempotent-replayed",
  "location",
  "ratelimit-limit",
  "ratelimit-policy",
  "ratelimit-remaining",
  "ratelimit-reset",
  "retry-after",
  "www-authenticate",
  "x-request-id",
];

const DOCUMENT_ID = "https://berth.invalid/openapi.json";

// A JSON pointer into the document, as a URI fragment (`{id}` and `+` percent-encoded).
const pointer = (...segments: string[]) =>
  `#/${segments.map((s) => encodeURIComponent(s.replaceAll("~", "~0").replaceAll("/", "~1"))).join("/")}`;

const mediaTypeOf = (res: Response) => res.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";

/**
 * Reads responses against an OpenAPI document: every documented operation × status (× media
 * type, where a response has several) as a key, and the problems one response has against its
 * documented headers and body, validated by Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1).
 */
export const documentChecker = (doc: OpenApiDocument) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, DOCUMENT_ID);
  // Header values are strings on the wire; the schema's type is what they must read as.
  const headerAjv = new Ajv2020({ strict: false, coerceTypes: true });
  addFormats(headerAjv);

  const operations = new Map<string, { path: string; method: string; operation: Operation }>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item))
      operations.set(operation.operationId, { path, method, operation });
  }

  const resolveHeader = (header: HeaderObject | { $ref: string }): HeaderObject => {
    if (!("$ref" in header)) return header;
    const resolved = doc.components.headers?.[header.$ref.split("/").at(-1) ?? ""];
    if (!resolved) throw new Error(`unresolved header ${header.$ref}`);
    return resolved;
  };

  const headerProblems = (response: ResponseObject, res: Response) => {
    const documented = Object.keys(response.headers ?? {}).map((name) => name.toLowerCase());
    const undocumented = DELIBERATE_HEADERS.filter((name) => res.headers.has(name) && !documented.includes(name));
    return [
      ...undocumented.map((name) => `header ${name} is sent but not documented`),
      ...Object.entries(response.headers ?? {}).flatMap(([name, ref]) => {
        const header = resolveHeader(ref);
        const value = res.headers.get(name);
        if (value === null) return header.required ? [`header ${name} is required but absent`] : [];
        const valid = headerAjv.compile({ type: "object", properties: { value: header.schema } });
        return valid({ value })
          ? []
          : [`header ${name}: ${JSON.stringify(value)} ${headerAjv.errorsText(valid.errors)}`];
      }),
    ];
  };

  const bodyProblems = async (
    path: string,
    method: string,
    status: number,
    response: ResponseObject,
    res: Response,
  ) => {
    const text = await res.text();
    const types = Object.keys(response.content ?? {});
    if (!types.length) return text === "" ? [] : [`a body where none is documented: ${text.slice(0, 80)}`];
    const type = mediaTypeOf(res);
    if (!types.includes(type)) return [`Content-Type ${type || "(none)"} is not one of ${types.join(", ")}`];
    const valid = ajv.getSchema(
      DOCUMENT_ID + pointer("paths", path, method, "responses", String(status), "content", type, "schema"),
    );
    if (!valid) return [`no schema for ${type}`];
    const data: unknown = type.endsWith("json") ? JSON.parse(text) : text;
    if (!valid(data)) return [`body: ${ajv.errorsText(valid.errors)}`];
    // What a schema cannot say: the problem's own status is the response's.
    if (type === "application/problem+json" && (data as { status: number }).status !== status) {
      return [`the problem says status ${(data as { status: number }).status}`];
    }
    return [];
  };

  return {
    /** `operationId status` for every documented response, plus ` media` where a response has several. */
    keys: () =>
      [...operations.values()].flatMap(({ operation }) =>
        Object.entries(operation.responses).flatMap(([status, response]) => {
          const types = Object.keys(response.content ?? {});
          const key = `${operation.operationId} ${status}`;
          return types.length > 1 ? types.map((type) => `${key} ${type}`) : [key];
        }),
      ),

    /** Everything about `res` that the document's response for `operationId` and `status` does not allow. */
    problems: async (operationId: string, status: number, res: Response, media?: string) => {
      const found = operations.get(operationId);
      if (!found) return [`no operation ${operationId}`];
      const response = found.operation.responses[String(status)];
      if (!response) return [`${operationId} documents no ${status}`];
      if (res.status !== status) return [`status ${res.status}, expected ${status}: ${await res.text()}`];
      if (media && mediaTypeOf(res) !== media) return [`Content-Type ${mediaTypeOf(res)}, expected ${media}`];
      return [
        ...headerProblems(response, res),
        ...(await bodyProblems(found.path, found.method, status, response, res)),
      ];
    },
  };
};
