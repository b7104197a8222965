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
export { errorSummary, throttledWarning } from "./throttled-warning";
