import type { ParsedEnv } from "./schema";

// Fly's image reference is `registry.fly.io/app:deployment-01J…` (or `:<label>` with
// `fly deploy --image-label`, or `@sha256:<digest>`): its tag or digest identifies the release.
const imageIdentity = (ref: string | undefined) => {
  if (!ref) return undefined;
  const [name = "", digest] = ref.split("@");
  if (digest) return digest.slice(digest.indexOf(":") + 1) || undefined;
  const last = name.slice(name.lastIndexOf("/") + 1);
  const colon = last.lastIndexOf(":");
  return colon >= 0 ? last.slice(colon + 1) || undefined : undefined;
};

/**
 * The commit (or deployment) this process runs, from the first of GIT_SHA, FLY_IMAGE_REF,
 * RAILWAY_GIT_COMMIT_SHA and SOURCE_COMMIT that is set; a hex commit is shortened to 12 characters.
 */
export const releaseCommit = (e: ParsedEnv): string | undefined => {
  const id = e.GIT_SHA ?? imageIdentity(e.FLY_IMAGE_REF) ?? e.RAILWAY_GIT_COMMIT_SHA ?? e.SOURCE_COMMIT;
  return id && /^[0-9a-f]{13,}$/i.test(id) ? id.slice(0, 12).toLowerCase() : id;
};
