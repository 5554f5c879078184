// `lume governance propose`: the SPL Governance instructions it builds decode back, with
// @solana/spl-governance itself, to the intended accounts and data. (No SPL Governance
// bytecode runs here; that the registry accepts the embedded instruction from a PDA signing
// through CPI is tests/program/council-cpi.test.ts.)
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateProposalArgs,
  deserializeBorsh,
  getGovernanceInstructionSchema,
  getNativeTreasuryAddress,
  getProposalTransactionAddress,
  getTokenOwnerRecordAddress,
  SignOffProposalArgs,
} from "@solana/spl-governance";
import { Keypair, PublicKey } from "@solana/web3.js";
import { SPL_GOVERNANCE_PROGRAM_ID } from "../../app/src/cli/lume/governance.js";
import { governanceErrorOf } from "../../app/src/cli/lume/governance-errors.js";
import { eventAuthorityAddress } from "../../app/src/sdk/events.js";
import { LUME_REGISTRY_IDL } from "../../app/src/sdk/idl.js";
import { registryAddresses } from "../../app/src/sdk/pda.js";
import { decodeGovernance, type GovernanceProposalJson, keyFile, lume } from "./lume-helpers.js";

const schema = getGovernanceInstructionSchema(3);

describe("lume governance propose (SPL Governance instructions)", () => {
  let dir: string;
  const wallet = Keypair.generate();
  const realm = Keypair.generate().publicKey;
  const governance = Keypair.generate().publicKey;
  const mint = Keypair.generate().publicKey;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "lume-gov-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const base = () => ["--keypair", keyFile(dir, "wallet", wallet), "--json", "governance", "propose"];
  const target = [
    "--realm",
    realm.toBase58(),
    "--governance",
    governance.toBase58(),
    "--mint",
    mint.toBase58(),
    "--proposal-index",
    "4",
    "--hold-up-time",
    "0",
    "--dry-run",
  ];

  it("approve <id>: CreateProposal + InsertTransaction(registry approve, signed by the treasury) + SignOff", async () => {
    const run = await lume([...base(), "approve", "7", ...target]);
    assert.equal(run.code, 0, run.err);
    const out = run.json<GovernanceProposalJson>();
    const ixs = out.instructions;
    assert.equal(ixs.length, 3);
    assert.ok(ixs.every((i) => i.programId === SPL_GOVERNANCE_PROGRAM_ID.toBase58()));

    const { create, insert } = decodeGovernance(ixs);
    assert.ok(create instanceof CreateProposalArgs);
    assert.equal(create.name, "Lume registry: approve registry proposal #7");
    assert.deepEqual(create.options, ["Approve"]);
    assert.equal(Boolean(create.useDenyOption), true);
    // The proposal, its owner record and the transaction account, as the library derives them.
    const tokenOwnerRecord = await getTokenOwnerRecordAddress(SPL_GOVERNANCE_PROGRAM_ID, realm, mint, wallet.publicKey);
    assert.equal(out.tokenOwnerRecord, tokenOwnerRecord.toBase58());
    assert.equal(ixs[0]!.keys[0]!.pubkey, realm.toBase58());
    assert.equal(ixs[0]!.keys[1]!.pubkey, out.proposal);
    assert.equal(ixs[0]!.keys[2]!.pubkey, governance.toBase58());
    const proposalTransaction = await getProposalTransactionAddress(
      SPL_GOVERNANCE_PROGRAM_ID,
      3,
      new PublicKey(out.proposal),
      0,
      0,
    );
    assert.ok(ixs[1]!.keys.some((k) => k.pubkey === proposalTransaction.toBase58()));

    // The embedded instruction: the registry's `approve`, the treasury as the signing member.
    assert.equal(insert.index, 0);
    assert.equal(insert.optionIndex, 0);
    assert.equal(insert.instructions!.length, 1);
    const embedded = insert.instructions![0]!;
    const treasury = await getNativeTreasuryAddress(SPL_GOVERNANCE_PROGRAM_ID, governance);
    const addresses = registryAddresses();
    assert.equal(embedded.programId.toBase58(), LUME_REGISTRY_IDL.address);
    assert.deepEqual(
      embedded.accounts.map((a) => [a.pubkey.toBase58(), a.isSigner, a.isWritable]),
      [
        [addresses.registry().toBase58(), false, true],
        [addresses.proposal(7).toBase58(), false, true],
        [treasury.toBase58(), true, false],
        [eventAuthorityAddress().toBase58(), false, false],
        [LUME_REGISTRY_IDL.address, false, false],
      ],
    );
    const approve = LUME_REGISTRY_IDL.instructions.find((i) => i.name === "approve")!;
    assert.deepEqual(Buffer.from(embedded.data), Buffer.from(approve.discriminator));
    assert.equal(out.member, treasury.toBase58());

    assert.ok(
      deserializeBorsh(schema, SignOffProposalArgs, Buffer.from(ixs[2]!.data, "base64")) instanceof SignOffProposalArgs,
    );
  });

  it("--as governance makes the governance account the member; --no-sign-off leaves the draft", async () => {
    const run = await lume([...base(), "reject", "3", ...target, "--as", "governance", "--no-sign-off"]);
    assert.equal(run.code, 0, run.err);
    const ixs = run.json<GovernanceProposalJson>().instructions;
    assert.equal(ixs.length, 2);
    const embedded = decodeGovernance(ixs).insert.instructions![0]!;
    assert.equal(embedded.accounts[2]!.pubkey.toBase58(), governance.toBase58());
    const reject = LUME_REGISTRY_IDL.instructions.find((i) => i.name === "reject")!;
    assert.deepEqual(Buffer.from(embedded.data), Buffer.from(reject.discriminator));
  });

  it("refuses --as governance for a registry propose (the proposer pays rent) before reading anything", async () => {
    // An unreachable --url: without the refusal this would fail on reading the registry instead.
    const run = await lume([
      "--url",
      "http://127.0.0.1:9",
      "--retries",
      "0",
      ...base(),
      "add-category",
      "--name",
      "search-ads",
      ...target,
      "--as",
      "governance",
    ]);
    assert.equal(run.code, 1);
    assert.match(
      JSON.parse(run.err).error.message,
      /--as governance cannot propose on the registry: the proposer pays the registry proposal's rent.*--as treasury/,
    );
  });

  it("names SPL Governance's error from a failed simulation's logs", () => {
    const err = Object.assign(new Error("Simulation failed. \nMessage: transaction simulation failed"), {
      logs: [
        `Program ${SPL_GOVERNANCE_PROGRAM_ID.toBase58()} invoke [1]`,
        `Program ${SPL_GOVERNANCE_PROGRAM_ID.toBase58()} failed: custom program error: 0x20a`,
      ],
    });
    assert.equal(
      governanceErrorOf(err, SPL_GOVERNANCE_PROGRAM_ID),
      "Invalid Proposal state (SPL Governance error 522)",
    );
    assert.equal(governanceErrorOf(new Error("fetch failed"), SPL_GOVERNANCE_PROGRAM_ID), undefined);
  });

  it("refuses a bad address with the flag's name", async () => {
    const run = await lume([
      ...base(),
      "approve",
      "1",
      "--realm",
      "nope",
      "--governance",
      governance.toBase58(),
      "--mint",
      mint.toBase58(),
      "--proposal-index",
      "0",
      "--hold-up-time",
      "0",
      "--dry-run",
    ]);
    assert.equal(run.code, 1);
    // --json: the error is JSON too.
    assert.match(JSON.parse(run.err).error.message, /--realm must be a base58 address, got "nope"/);
  });
});
