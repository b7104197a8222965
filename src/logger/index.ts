export {
  configSecrets,
  createLogger,
  type Fields,
  type Logger,
  type LoggerOptions,
  maskSecrets,
  secretMasker,
  serviceLogger,
} from "./logger";
