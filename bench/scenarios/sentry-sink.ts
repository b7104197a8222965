/** A local Sentry ingest that accepts and counts envelopes, so the Sentry rows pay the SDK's real cost. */
export const startSentrySink = async () => {
  let envelopes = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      await req.arrayBuffer();
      envelopes++;
      return Response.json({});
    },
  });
  return {
    dsn: `http://public@127.0.0.1:${server.port}/1`,
    envelopes: () => envelopes,
    stop: () => server.stop(true),
  };
};
