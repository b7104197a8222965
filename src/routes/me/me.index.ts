import { createRouter } from "../../http";
import { me } from "./me.handlers";
import { meRoute } from "./me.routes";

/** `GET /v1/me`: the verified token's user. */
export const createMeRouter = () => createRouter().openapi(meRoute, me);
