export { default } from "./workers";
