export { requestFingerprint } from "./fingerprint";
export { createIdempotency, type Idempotency, type IdempotentRequest } from "./idempotency";
export type { StoredResponse } from "./store";
