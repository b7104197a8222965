import { SignJWT } from "jose";

export interface MintOptions {
  secret: string;
  sub: string;
  ttlSeconds: number;
  claims?: Record<string, string>;
  issuer?: string;
  audience?: string;
}

/** Signs an HS256 token the service's own verifier accepts. */
export const mintToken = async (o: MintOptions): Promise<string> => {
  let jwt = new SignJWT({ ...o.claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(o.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + o.ttlSeconds);
  if (o.issuer) jwt = jwt.setIssuer(o.issuer);
  if (o.audience) jwt = jwt.setAudience(o.audience);
  return jwt.sign(new TextEncoder().encode(o.secret));
};

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses a duration like `90s`, `15m`, `1h` or `7d` into seconds; throws on anything else. */
export const parseDuration = (value: string): number => {
  const match = /^(\d+)([smhd])$/.exec(value);
  const [, amount, unit] = match ?? [];
  if (!amount || !unit || Number(amount) <= 0)
    throw new Error(`invalid duration "${value}": expected a number and a unit, like 90s, 15m, 1h or 7d`);
  return Number(amount) * (UNITS[unit] as number);
};
