// The page's own script and stylesheet are imported as text (`with { type: "text" }`), so every
// bundle carries them inline.
declare module "*/client.js" {
  const text: string;
  export default text;
}
declare module "*.css" {
  const text: string;
  export default text;
}
