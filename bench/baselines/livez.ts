// Bare Bun.serve returning the service's /livez body with the same response headers (the
// security headers and a fresh X-Request-Id), so the /livez row measures exactly what the stack adds.
const body = process.env.BODY ?? "{}";
const headers = JSON.parse(process.env.HEADERS ?? "{}") as Record<string, string>;

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT),
  fetch: () =>
    new Response(body, {
      headers: { ...headers, "Content-Type": "application/json", "X-Request-Id": crypto.randomUUID() },
    }),
});
console.log(`ready ${server.port}`);
