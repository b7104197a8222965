import type { RequestIdVariables } from "hono/request-id";
import type { AuthUser } from "../auth/verifier";

/** Variables every handler can read from the context. */
export type AppEnv = { Variables: RequestIdVariables & { user: AuthUser } };
