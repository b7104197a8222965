export { serveWithBun } from "./serve";
