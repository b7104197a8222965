const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
};

/**
 * SHA-256 of a request as the API understood it (method, route and the validated body with its
 * keys sorted), so a retry that differs only in key order or whitespace is the same request.
 */
export const requestFingerprint = async (method: string, route: string, body: unknown): Promise<string> => {
  const bytes = new TextEncoder().encode(JSON.stringify([method, route, canonical(body)]));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
};
