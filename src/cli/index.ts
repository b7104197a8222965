export { cliErrorMessage } from "./io";
export { runCli, type Serve } from "./run";
