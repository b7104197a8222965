export { serveWithNode } from "./serve";
