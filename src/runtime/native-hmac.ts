import { createHmac } from "node:crypto";
import type { HmacSha256 } from "../auth/hs256";

/**
 * `node:crypto`'s HMAC-SHA-256, native on Bun and Node: about 1 µs of CPU a token where the
 * portable one takes 4 µs in a loop and several times that between the other work of a request.
 *
 * @example createTokenVerifier(config.auth, { hmacSha256: nativeHmacSha256 })
 */
export const nativeHmacSha256: HmacSha256 = (key) => (data) => createHmac("sha256", key).update(data).digest();
