export { checkers } from "./checkers";
