const encoder = new TextEncoder();

/**
 * True when `authorization` is `Bearer <token>` for the configured ops token, compared in
 * constant time. False whenever no ops token is configured.
 */
export const hasOpsToken = (authorization: string | undefined, token: string | undefined): boolean => {
  if (!token || !authorization) return false;
  const match = /^Bearer[ ]+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) return false;
  const given = encoder.encode(match[1]);
  const expected = encoder.encode(token);
  let diff = given.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) diff |= (given[i] ?? 0) ^ (expected[i] ?? 0);
  return diff === 0;
};
