import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env";
import { validationHook } from "./validation";

/**
 * An OpenAPIHono router with the shared validation hook, so a failed zod check answers the same
 * 400 problem on every router, whether or not a parent app's hook reaches it.
 *
 * @example
 * export const meRouter = createRouter().openapi(meRoute, meHandler);
 */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
