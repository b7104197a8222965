export { dashboardAccess, SESSION_COOKIE } from "./access";
export { createDashboard, type Dashboard, HISTORY, SAMPLE_INTERVAL_MS } from "./dashboard";
export { createHistory, historyBytes } from "./history";
export { createServerErrors, type ServerError } from "./server-errors";
export { bucketQuantile, readTraffic } from "./traffic";
