import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfig } from "../../src/config";
import { ROOT } from "../support/process";

interface ComposeService {
  image: string;
  ports: string[];
  healthcheck: { test: string[]; interval: string; retries: number };
}

const compose = Bun.YAML.parse(await Bun.file(join(ROOT, "compose.yaml")).text()) as {
  services: Record<string, ComposeService>;
};

// The URLs README.md tells a developer to export once `docker compose up -d` is healthy.
const README_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/berth";
const README_REDIS_URL = "redis://127.0.0.1:6379";

describe("compose.yaml", () => {
  test.each([
    ["postgres", "postgres:16", "127.0.0.1:5432:5432", "pg_isready"],
    ["redis", "redis:7", "127.0.0.1:6379:6379", "redis-cli"],
  ])("runs %s as %s on loopback (%s) with a healthcheck (%s)", (name, image, port, probe) => {
    const service = compose.services[name];
    expect(service?.image).toBe(image);
    expect(service?.ports).toEqual([port]);
    expect(service?.healthcheck.test[0]).toBe("CMD");
    expect(service?.healthcheck.test[1]).toBe(probe);
    expect(service?.healthcheck.retries).toBeGreaterThan(0);
  });

  test("the documented URLs reach what it publishes, and configure the service", () => {
    const config = loadConfig({ DATABASE_URL: README_DATABASE_URL, REDIS_URL: README_REDIS_URL });
    const published = Object.values(compose.services).map((service) =>
      service.ports[0]?.split(":").slice(0, 2).join(":"),
    );
    expect(published).toContain(`${new URL(README_DATABASE_URL).hostname}:${new URL(README_DATABASE_URL).port}`);
    expect(published).toContain(`${new URL(README_REDIS_URL).hostname}:${new URL(README_REDIS_URL).port}`);
    expect(config.mode).toBe("development");
  });
});
