import { type AppRouteHandler, PER_USER_CACHE_CONTROL } from "../../http";
import type { MeRoute } from "./me.routes";

/** Answers with the verified token's user. */
export const me: AppRouteHandler<MeRoute> = (c) => {
  const { id, issuer, expiresAt } = c.var.user;
  return c.json({ userId: id, issuer: issuer ?? null, expiresAt: expiresAt.toISOString() }, 200, {
    "Cache-Control": PER_USER_CACHE_CONTROL,
  });
};
