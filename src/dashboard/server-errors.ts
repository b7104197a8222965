import type { Fields, Logger } from "../logger";
import { secretMasker } from "../logger";

/** One 5xx answer as the dashboard lists it: nothing of the request but its route and id. */
export interface ServerError {
  time: string;
  method: string;
  route: string;
  status: number;
  requestId?: string;
  userId?: string;
  /** The error's name and message, credentials masked, on one line and at most `MESSAGE_LENGTH` long. */
  message?: string;
}

const MESSAGE_LENGTH = 160;
const text = (v: unknown) => (typeof v === "string" ? v : undefined);

/**
 * The last `capacity` 5xx answers, newest first. `watch(logger)` returns a logger that notes every
 * request line at error level with a 5xx status (the request log writes one per answer, whatever
 * LOG_LEVEL drops) and passes every call on unchanged. Only named fields are kept: never a body,
 * header or token; of the user, only the id.
 *
 * @example
 * const errors = createServerErrors({ capacity: 20, secrets: configSecrets(config) });
 * const logger = errors.watch(serviceLogger(config));
 */
export const createServerErrors = ({
  capacity,
  secrets = [],
}: {
  capacity: number;
  secrets?: readonly (string | undefined)[];
}) => {
  const mask = secretMasker(secrets);
  const recent: ServerError[] = [];

  const note = (fields: Fields) => {
    const status = fields.status;
    if (typeof status !== "number" || status < 500) return;
    const message = text(fields.error);
    recent.unshift({
      time: new Date().toISOString(),
      method: text(fields.method) ?? "",
      route: text(fields.route) ?? "",
      status,
      requestId: text(fields.requestId),
      userId: text(fields.userId),
      message: message && mask(message.replace(/\s+/g, " ")).slice(0, MESSAGE_LENGTH),
    });
    recent.length = Math.min(recent.length, capacity);
  };

  return {
    watch: (logger: Logger): Logger => ({
      ...logger,
      error(msg, fields) {
        if (msg === "request" && fields) note(fields);
        logger.error(msg, fields);
      },
    }),
    /** Newest first. */
    list: (): readonly ServerError[] => recent,
  };
};

export type ServerErrors = ReturnType<typeof createServerErrors>;
