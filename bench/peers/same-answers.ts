// Headers that differ per response or by transport; every other header berth sends on a note
// read (security headers, ETag, rate-limit headers) must come back the same from a peer.
const PER_RESPONSE = new Set([
  "date",
  "content-length",
  "content-type",
  "x-request-id",
  "connection",
  "keep-alive",
  "ratelimit-remaining",
  "ratelimit-policy",
]);
const mediaType = (res: Response) => res.headers.get("content-type")?.split(";")[0]?.trim() ?? null;
const withoutRequestId = (text: string) => text.replace(/"requestId":"[^"]*"/, '"requestId":""');

interface Answer {
  status: number;
  type: string | null;
  body: string;
  headers: Headers;
}

const ask = async (url: string, headers: Record<string, string> = {}): Promise<Answer> => {
  const res = await fetch(url, { headers });
  return { status: res.status, type: mediaType(res), body: withoutRequestId(await res.text()), headers: res.headers };
};

/**
 * Throws unless `peer` answers a note read the way berth does: the same body and headers with a
 * token, the same ETag and a 304 for it, the same 401 problem without a token, and a 401
 * `invalid_token` challenge for a forged one. Run before measuring, so a peer that does less
 * work than berth cannot look fast.
 */
export const expectSameAnswers = async (
  berth: string,
  peer: string,
  { path, token }: { path: string; token: string },
) => {
  const problems: string[] = [];
  const compare = async (label: string, headers: Record<string, string>, fields: (keyof Answer)[]) => {
    const [ours, theirs] = await Promise.all([ask(berth + path, headers), ask(peer + path, headers)]);
    for (const field of fields.filter((f) => f !== "headers")) {
      if (ours[field] !== theirs[field]) problems.push(`${label}: ${field} ${theirs[field]} instead of ${ours[field]}`);
    }
    if (fields.includes("headers")) {
      for (const [name, value] of ours.headers) {
        if (!PER_RESPONSE.has(name) && theirs.headers.get(name) !== value)
          problems.push(`${label}: header ${name} is ${theirs.headers.get(name)} instead of ${value}`);
      }
    }
    return { ours, theirs };
  };
  const bearer = { Authorization: `Bearer ${token}` };
  const { ours } = await compare("with a token", bearer, ["status", "type", "body", "headers"]);
  const etag = ours.headers.get("etag") ?? "";
  await compare("If-None-Match", { ...bearer, "If-None-Match": etag }, ["status", "body", "headers"]);
  await compare("without a token", {}, ["status", "type", "body", "headers"]);
  const forged = await compare("a forged token", { Authorization: `Bearer ${token}x` }, ["status", "type"]);
  for (const answer of [forged.ours, forged.theirs]) {
    if (!answer.headers.get("www-authenticate")?.startsWith('Bearer realm="berth", error="invalid_token"'))
      problems.push(`a forged token: challenge ${answer.headers.get("www-authenticate")}`);
  }
  if (ours.status !== 200 || etag === "") problems.push(`berth itself answered ${ours.status} without an ETag`);
  if (problems.length) throw new Error(`the peer does not answer like berth:\n  ${problems.join("\n  ")}`);
};
