// A file imported `with { type: "text" }` is its contents as a string (Bun's loader).
declare module "*/standalone.js" {
  const text: string;
  export default text;
}
