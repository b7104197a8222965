/**
 * `Cache-Control` for a response that belongs to one user: no shared cache may keep it, and a
 * private cache must revalidate (with the ETag, where there is one) before reusing it.
 */
export const PER_USER_CACHE_CONTROL = "private, no-cache";
