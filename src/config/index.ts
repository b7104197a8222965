export { type Config, ConfigError, DEV_JWT_SECRET, loadConfig, type Requirement } from "./load";
export { type Env, type Mode, modes } from "./schema";
