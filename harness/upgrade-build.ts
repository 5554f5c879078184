// The second build of the program the upgrade tests deploy through a council proposal: the same
// source with the `upgrade-test-build` feature (only `report_version`'s line differs), built by
// scripts/build-upgrade-test.sh into its own target directory (cargo makes a rebuild a no-op).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export const SECOND_BUILD_PATH = "target/deploy/lume_registry_upgrade_test.so";
export const FIRST_VERSION_LINE = "lume-registry 0.1.0";
export const SECOND_VERSION_LINE = "lume-registry 0.1.0+upgrade-test";

/** Builds the second version if needed and returns its bytes (about a minute the first time). */
export function buildSecondVersion(): Buffer {
  execFileSync("bash", ["scripts/build-upgrade-test.sh"], { stdio: ["ignore", "ignore", "inherit"] });
  return readFileSync(SECOND_BUILD_PATH);
}
