export { limitBody } from "./body-limit";
export { PER_USER_CACHE_CONTROL } from "./cache-control";
export type { AppEnv, AppRouteHandler } from "./env";
export { headContentLength } from "./head-length";
export { notFoundOrMethodNotAllowed } from "./method-not-allowed";
export {
  apiHeaders,
  authErrors,
  bodyErrors,
  cacheControl,
  databaseErrors,
  empty,
  headers,
  json,
  ProblemSchema,
  parameter,
  perUserRead,
  probeHeaders,
  problem,
  registerSharedComponents,
  tooLarge,
} from "./openapi-responses";
export { type ErrorRenderOptions, type FieldError, Problem, problemResponse, renderError, toProblem } from "./problem";
export { requireJson } from "./require-json";
export { createRouter } from "./router";
export { validationHook } from "./validation";
