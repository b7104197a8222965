export { type RateLimitOptions, rateLimit } from "./rate-limit";
