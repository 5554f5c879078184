// The README states the SHA-256 of the committed source's build, so an auditor can compare it with
// `lume program verify`: this fails when a program change left it stale.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { sha256Hex } from "../../app/src/sdk/deployed-program.js";
import { PROGRAM_SO_PATH } from "../../harness/program.js";

describe("the README's build hash", () => {
  it("is the SHA-256 of target/deploy/lume_registry.so", () => {
    const hash = sha256Hex(readFileSync(PROGRAM_SO_PATH));
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("## Verifying the deployed program"));
    const stated = /^([0-9a-f]{64})$/m.exec(section)?.[1];
    assert.equal(
      stated,
      hash,
      "README.md states another hash: after `npm run build`, put `sha256sum target/deploy/lume_registry.so` into its 'Verifying the deployed program' section",
    );
  });
});
