export { createMeRouter } from "./me.index";
