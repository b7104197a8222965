// Kept for the Bun Sentry module until it imports the classifier from src/errors directly.
export { networkErrorCode } from "../errors/network";
