export { limitBody } from "./body-limit";
export type { AppEnv, AppRouteHandler } from "./env";
export { notFoundOrMethodNotAllowed } from "./method-not-allowed";
export { type ErrorRenderOptions, type FieldError, Problem, problemResponse, renderError, toProblem } from "./problem";
export { requireJson } from "./require-json";
export { createRouter } from "./router";
export { validationHook } from "./validation";
