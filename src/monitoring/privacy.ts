import { maskSecrets } from "../logger";

// Structural slices of the SDK's event and span shapes: this module stays SDK-free and testable.
interface ScrubbableEvent {
  request?: { method?: string; url?: string };
  user?: { id?: string | number };
}
interface ScrubbableSpan {
  name: string;
  attributes?: Record<string, unknown>;
}

// Span attributes that can carry a client address, a header, a cookie, a body or a query value.
const PRIVATE_ATTRIBUTE =
  /^(client\.|user\.(?!id$)|http\.(request|response)\.(header|body)|http\.query|url\.(query|full)|network\.peer\.|db\.query\.parameter|cookie)/;

const stripQuery = (url: string) => url.split(/[?#]/, 1)[0] ?? url;

const deepMask = (value: unknown, depth = 0): unknown => {
  if (typeof value === "string") return maskSecrets(value);
  if (depth > 12 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => deepMask(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepMask(v, depth + 1)]));
};

/**
 * The `beforeSend` guard, behind `dataCollection` being locked down: the request keeps only its
 * method and path, the user only its id, and every string is passed through `maskSecrets` (URL
 * passwords, bearer tokens, JWTs), so nothing the SDK or an integration added slips through.
 */
export const scrubEvent = <E extends ScrubbableEvent>(event: E): E => {
  // The SDK's processing metadata holds live scopes and the client; it is never serialised.
  const { sdkProcessingMetadata, ...content } = event as E & { sdkProcessingMetadata?: unknown };
  const masked = { ...(deepMask(content) as E), ...(sdkProcessingMetadata ? { sdkProcessingMetadata } : {}) };
  if (masked.request) {
    const { method, url } = masked.request;
    masked.request = { ...(method ? { method } : {}), ...(url ? { url: stripQuery(url) } : {}) };
  }
  const id = masked.user?.id;
  if (typeof id === "string" || typeof id === "number") masked.user = { id: String(id) };
  else delete masked.user;
  return masked;
};

/** The `beforeSendSpan` guard: drops attributes that could hold private data, masks the rest. */
export const scrubSpan = <S extends ScrubbableSpan>(span: S): S => {
  if (!span.attributes) return span;
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (!PRIVATE_ATTRIBUTE.test(key)) attributes[key] = deepMask(value);
  }
  span.attributes = attributes;
  span.name = maskSecrets(span.name);
  return span;
};
