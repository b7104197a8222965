export { type AppDeps, type AppType, createApp } from "./create-app";
export { createOpsApp, type OpsDeps } from "./ops";
