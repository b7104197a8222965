export { createLogger, type Logger, type LoggerOptions, maskSecrets, serviceLogger } from "./logger";
