// `lume governance propose` reads its defaults from the governance account on chain: the next
// proposal index (its proposal count) and the hold-up time (its minInstructionHoldUpTime, instead
// of 0, which SPL Governance would refuse). The account is a real GovernanceV2 layout, written
// with the local chain's setAccount and read back by spl-governance's own parser.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getGovernance } from "@solana/spl-governance";
import { Keypair } from "@solana/web3.js";
import { SPL_GOVERNANCE_PROGRAM_ID } from "../../app/src/cli/lume/governance.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import { decodeGovernance, type GovernanceProposalJson, keyFile, lume } from "./lume-helpers.js";

const GOVERNANCE_V2 = 18; // GovernanceAccountType.GovernanceV2
const YES_VOTE_PERCENTAGE = 0; // VoteThresholdType, followed by its percentage
const DISABLED = 2; // VoteThresholdType without a value

/** A GovernanceV2 account (SPL Governance v3 layout) with `proposalCount` and `minHoldUpTime`. */
function governanceAccountData(realm: Uint8Array, proposalCount: number, minHoldUpTime: number): Buffer {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  return Buffer.concat([
    Buffer.from([GOVERNANCE_V2]),
    realm,
    Buffer.alloc(32), // governed account
    u32(proposalCount),
    Buffer.from([YES_VOTE_PERCENTAGE, 60]), // community vote threshold
    u64(1), // min community tokens to create a proposal
    u32(minHoldUpTime),
    u32(3 * 86_400), // base voting time
    Buffer.from([0]), // community vote tipping
    Buffer.from([YES_VOTE_PERCENTAGE, 60]), // council vote threshold
    Buffer.from([DISABLED]), // council veto threshold
    u64(1), // min council tokens to create a proposal
    Buffer.from([0]), // council vote tipping
    Buffer.from([DISABLED]), // community veto threshold
    u32(0), // voting cool-off time
    Buffer.from([0]), // deposit-exempt proposal count
    Buffer.alloc(120), // reserved
    u64(0), // active proposal count
  ]);
}

describe("lume governance propose: defaults from the governance account (surfnet)", function () {
  this.timeout(60_000);
  const net = useRegistrySurfnet();
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "lume-gov-defaults-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the hold-up time defaults to the governance's minimum, read from its account; flags override it", async () => {
    const realm = Keypair.generate().publicKey;
    const governance = Keypair.generate().publicKey;
    const data = governanceAccountData(realm.toBytes(), 5, 3_600);
    net.surfnet.setAccount({ address: governance, lamports: 10_000_000, data, owner: SPL_GOVERNANCE_PROGRAM_ID });
    const parsed = await getGovernance(net.connection, governance);
    assert.equal(parsed.account.config.minInstructionHoldUpTime, 3_600, "the layout is SPL Governance's");

    const args = (...extra: string[]) => [
      "--url",
      net.surfnet.rpcUrl,
      "--keypair",
      keyFile(dir, "voter", Keypair.generate()),
      "--json",
      "governance",
      "propose",
      "approve",
      "7",
      "--realm",
      realm.toBase58(),
      "--governance",
      governance.toBase58(),
      "--mint",
      Keypair.generate().publicKey.toBase58(),
      "--dry-run",
      ...extra,
    ];
    const run = await lume(args());
    assert.equal(run.code, 0, run.err);
    const { insert } = decodeGovernance(run.json<GovernanceProposalJson>().instructions);
    assert.equal(insert.holdUpTime, 3_600);
    const explicit = await lume(args("--hold-up-time", "7200", "--proposal-index", "9"));
    assert.equal(decodeGovernance(explicit.json<GovernanceProposalJson>().instructions).insert.holdUpTime, 7_200);

    const missing = await lume(args().map((a) => (a === governance.toBase58() ? realm.toBase58() : a)));
    assert.equal(missing.code, 1);
    assert.match(
      JSON.parse(missing.err).error.message,
      /cannot read the governance account .*pass --proposal-index and --hold-up-time/,
    );
  });
});
