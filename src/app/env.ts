import type { RequestIdVariables } from "hono/request-id";
import type { AuthEnv } from "../auth/middleware";

/** Variables every handler can read from the context. */
export type AppEnv = { Variables: RequestIdVariables & AuthEnv["Variables"] };
