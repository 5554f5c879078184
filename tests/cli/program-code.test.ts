// `lume program verify` against a private surfnet: the deployed bytecode's hash against a local
// build (a match, then a mismatch against another build), and the upgrade authority in words as
// it moves from a key to the council's PDA and to none.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { PublicKey } from "@solana/web3.js";
import { councilUpgradeAuthority, deployedElf, elfLength, sha256Hex } from "../../app/src/sdk/deployed-program.js";
import { PROGRAM_ID, PROGRAM_SO_PATH } from "../../harness/program.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import { lume, type ProgramVerifyJson } from "./lume-helpers.js";

const OTHER_BUILD = "target/deploy/test_council_member.so";

describe("lume program verify (surfnet)", function () {
  this.timeout(60_000);
  const net = useRegistrySurfnet();
  const verify = (...args: string[]) => lume(["--url", net.surfnet.rpcUrl, "program", "verify", ...args]);

  const setUpgradeAuthority = (authority: PublicKey | null) => net.setUpgradeAuthority(authority);

  it("the ELF length read from its headers is the .so file's, with or without zero padding after it", () => {
    const so = readFileSync(PROGRAM_SO_PATH);
    assert.equal(elfLength(so), so.length);
    // ProgramData: 45-byte header (tag 3, slot, authority), the ELF, zeros up to the max length.
    const header = Buffer.alloc(45);
    header.writeUInt32LE(3, 0);
    const padded = Buffer.concat([header, so, Buffer.alloc(4096)]);
    assert.equal(sha256Hex(deployedElf(padded)), sha256Hex(so));
    assert.throws(() => elfLength(Buffer.alloc(100)), /not a 64-bit little-endian ELF/);
    assert.throws(() => elfLength(so.subarray(0, so.length - 1)), /truncated ELF/);
  });

  it("a match against the build that was deployed: both hashes and the deployer key's authority", async () => {
    const run = await verify();
    assert.equal(run.code, 0, run.err);
    const sha = sha256Hex(readFileSync(PROGRAM_SO_PATH));
    assert.match(run.out, new RegExp(`deployed sha256 +${sha}`));
    assert.match(run.out, new RegExp(`local build sha256 ${sha}`));
    assert.match(run.out, /^match: the deployed bytecode is this build$/m);
    assert.match(
      run.out,
      new RegExp(`held by key ${net.upgradeAuthority.publicKey.toBase58()} — the operators can still change the code`),
    );

    const json = (await verify("--json")).json<ProgramVerifyJson>();
    assert.equal(json.match, true);
    assert.equal(json.deployedSha256, sha);
    assert.equal(json.upgradeAuthority, net.upgradeAuthority.publicKey.toBase58());
    assert.equal(json.upgradeAuthorityHolder, "key");
  });

  it("a mismatch against another build: exit 1, both hashes printed", async () => {
    const run = await verify("--so", OTHER_BUILD);
    assert.equal(run.code, 1);
    assert.match(run.out, /^MISMATCH: the deployed bytecode is not this build$/m);
    assert.match(run.out, new RegExp(`local build sha256 ${sha256Hex(readFileSync(OTHER_BUILD))}`));
    assert.match(run.out, new RegExp(`deployed sha256 +${sha256Hex(readFileSync(PROGRAM_SO_PATH))}`));
  });

  it("the council's PDA as authority reads as held by the council; none as immutable", async () => {
    const council = councilUpgradeAuthority(PROGRAM_ID);
    assert.deepEqual(council, PublicKey.findProgramAddressSync([Buffer.from("upgrade_authority")], PROGRAM_ID)[0]);
    await setUpgradeAuthority(council);
    const held = await verify("--json");
    assert.equal(held.json<ProgramVerifyJson>().upgradeAuthorityHolder, "council");
    assert.match((await verify()).out, new RegExp(`held by the registry council \\(${council.toBase58()}\\)`));

    await setUpgradeAuthority(null);
    const run = await verify();
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /upgrade authority +immutable: no one can change the code/);
  });

  it("says what is wrong without a stack: a missing build, a program that is not deployed", async () => {
    const missing = await verify("--so", "/nonexistent/lume_registry.so");
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^error: \/nonexistent\/lume_registry.so does not exist: run `npm run build` first/);

    const notDeployed = await lume([
      "--url",
      net.surfnet.rpcUrl,
      "--program-id",
      PublicKey.unique().toBase58(),
      "program",
      "verify",
    ]);
    assert.equal(notDeployed.code, 1);
    assert.match(notDeployed.err, /^error: no program at \w+ on http/);
    assert.doesNotMatch(notDeployed.err, /\n\s+at /);
  });
});
