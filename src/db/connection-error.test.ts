import { describe, expect, test } from "bun:test";
import { DatabaseConnectionError, explainConnectionFailure } from "./connection-error";

const target = {
  variable: "DATABASE_URL",
  url: "postgres://app:hunter22@db.internal:6432/berth",
  ssl: "disable",
} as const;
const failure = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("explainConnectionFailure", () => {
  test.each([
    ["refused", failure("connect ECONNREFUSED 10.0.0.1:6432", "ECONNREFUSED"), "connection refused"],
    ["timed out connecting", failure("write CONNECT_TIMEOUT db.internal:6432", "CONNECT_TIMEOUT"), "timed out"],
    ["unknown host", failure("getaddrinfo ENOTFOUND db.internal", "ENOTFOUND"), "host not found"],
    [
      "authentication failed",
      failure('password authentication failed for user "app"', "28P01"),
      'authentication failed (password authentication failed for user "app"): check the user and password',
    ],
    [
      "TLS required",
      failure('no pg_hba.conf entry for host "10.0.0.9", user "app", database "berth", no encryption', "28000"),
      "the server requires TLS",
    ],
    ["TLS refused", failure("the database server does not accept TLS", "SSL_NOT_SUPPORTED"), "does not accept TLS"],
    [
      "database missing",
      failure('database "berth" does not exist', "3D000"),
      "`createdb -h db.internal -p 6432 -U app berth`",
    ],
  ])("%s: names the variable, the masked target and a hint", (_, error, hint) => {
    const explained = explainConnectionFailure(new Error("Failed query: select 1", { cause: error }), target);
    expect(explained).toBeInstanceOf(DatabaseConnectionError);
    const { message } = explained as Error;
    expect(message.startsWith("DATABASE_URL: cannot connect to postgres://app:***@db.internal:6432/berth: ")).toBe(
      true,
    );
    expect(message).toContain(hint);
    expect(message).not.toContain("hunter22");
  });

  test("TLS hints name DATABASE_SSL and the URL's sslmode, or DATABASE_SSL alone for the DB_* variables", () => {
    const refused = failure("the database server does not accept TLS", "SSL_NOT_SUPPORTED");
    const url = explainConnectionFailure(refused, { ...target, ssl: "require" }) as Error;
    expect(url.message).toContain("set DATABASE_SSL or sslmode in DATABASE_URL (now require) to disable");
    const split = explainConnectionFailure(refused, {
      ...target,
      variable: "DB_HOST/DB_PORT/DB_NAME/DB_USER",
    }) as Error;
    expect(split.message).toContain("set DATABASE_SSL (now disable) to disable");
  });

  test("an error that is not about connecting comes back as it is", () => {
    const syntax = failure('syntax error at or near "selec"', "42601");
    expect(explainConnectionFailure(syntax, target)).toBe(syntax);
  });
});
