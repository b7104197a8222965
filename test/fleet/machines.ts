import { builtImage } from "../support/image";
import { buildBundle, bundleRelease } from "./bundle-release";
import { imageRelease } from "./image-release";

/**
 * What the fleet's machines are: containers of the production image wherever podman is installed
 * (CI included, where a failed image build fails the suite), else processes of the Bun bundle the
 * image runs, laid out as in the image.
 */
export const MACHINES: "image containers" | "bundle processes" = Bun.which("podman")
  ? "image containers"
  : "bundle processes";

/** Builds what the releases are made of (the image, shared with test/deploy, or the bundle). */
export const prepareReleases = async () => {
  await (MACHINES === "image containers" ? builtImage() : buildBundle());
};

/** A release named `name` shipping `migrations` (drizzle/ when absent), of the fleet's kind. */
export const release = (name: string, migrations?: string) =>
  MACHINES === "image containers" ? imageRelease(name, migrations) : bundleRelease(name, migrations);
