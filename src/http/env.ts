import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { RequestIdVariables } from "hono/request-id";
import type { AuthEnv } from "../auth/middleware";

/** Variables every handler can read from the context. */
export type AppEnv = { Variables: RequestIdVariables & AuthEnv["Variables"] };

/**
 * A handler for one route definition, typed by its request schemas and responses.
 *
 * @example
 * export const list: AppRouteHandler<ListRoute> = async (c) => c.json(await notes.list(c.var.user.id), 200);
 */
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
