// GraphQL `program { ... }` on a private surfnet: the deployed bytecode's hash equals the build's,
// and the upgrade authority follows ProgramData as it moves from a key to the council's PDA and
// to none: for real (the handover, then a SetUpgradeAuthority proposal, both in the history and
// the proposal in words), then rewritten by cheatcode.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { PublicKey, SYSVAR_CLOCK_PUBKEY, SystemProgram } from "@solana/web3.js";
import { councilUpgradeAuthority, sha256Hex } from "../../app/src/sdk/deployed-program.js";
import { eventCpiAccounts } from "../../app/src/sdk/events.js";
import { programDataAddress, registryAddresses } from "../../app/src/sdk/pda.js";
import { setUpgradeAuthorityRemaining } from "../../app/src/sdk/program-governance.js";
import { DEFAULT_POLICY, PROGRAM_ID, PROGRAM_SO_PATH } from "../../harness/program.js";
import type { ProgramView } from "../../indexer/src/api/program-facts.js";
import type { ApiServer } from "../../indexer/src/api/server.js";
import { Indexer } from "../../indexer/src/indexer.js";
import type { EventData } from "../../indexer/src/store/row-data.js";
import { ensureHandover, ensureRegistry } from "../../migrations/initialize-registry.js";
import type { HistoryEvent, IndexerStatus, Proposal } from "./graphql-schema.js";
import { gql, query, startApiServer, until, useServedIndex } from "./support.js";

const PROGRAM_QUERY =
  "{ program { programId programData upgradeAuthority upgradeAuthorityHolder authorityIsCouncil executableSha256 executableLength lastUpgradeSlot } }";
/** PROGRAM_QUERY's answer: every field of the resolver's view (null when no program is deployed). */
type ProgramAnswer = { program: ProgramView | null };

describe("indexer GraphQL program facts (surfnet)", function () {
  this.timeout(60_000);
  const { net, tmp, serve } = useServedIndex();
  let api: ApiServer;
  let indexer: Indexer;

  before(async () => {
    ({ api, indexer } = await serve());
  });

  const setUpgradeAuthority = (authority: PublicKey | null) => net.setUpgradeAuthority(authority);

  /** Waits out the resolver's short cache until the answer has moved. */
  const programWhen = (ok: (p: ProgramView) => boolean): Promise<ProgramView> =>
    until("the program facts to change", async () => {
      const { program } = await query<ProgramAnswer>(api, PROGRAM_QUERY);
      return program !== null && ok(program) ? program : undefined;
    });

  it("the deployed bytecode's hash, the deployer key as authority, the last deploy's slot", async () => {
    const program = (await query<ProgramAnswer>(api, PROGRAM_QUERY)).program!;
    const so = readFileSync(PROGRAM_SO_PATH);
    assert.equal(program.programId, PROGRAM_ID.toBase58());
    assert.equal(program.programData, programDataAddress(PROGRAM_ID).toBase58());
    assert.equal(program.executableSha256, sha256Hex(so));
    assert.equal(program.executableLength, so.length);
    assert.equal(program.upgradeAuthority, net.upgradeAuthority.publicKey.toBase58());
    assert.equal(program.upgradeAuthorityHolder, "key");
    assert.equal(program.authorityIsCouncil, false);
    assert.ok(Number.isInteger(program.lastUpgradeSlot) && program.lastUpgradeSlot >= 0);
  });

  it("the real handover and an executed SetUpgradeAuthority proposal: facts, history and words", async () => {
    const council = [0, 1].map(() => net.fundedKeypair(10));
    const deployer = net.provider(net.upgradeAuthority);
    await ensureRegistry(deployer, {
      council: council.map((k) => k.publicKey),
      threshold: 2,
      timeLockSeconds: 60,
      policy: { ...DEFAULT_POLICY },
      categories: ["api-read"],
    });
    await indexer.start();
    assert.equal((await ensureHandover(deployer)).status, "handed-over");
    const held = await programWhen((p) => p.authorityIsCouncil);
    assert.equal(held.upgradeAuthorityHolder, "council");

    const member = net.program(council[0]!);
    const addresses = registryAddresses(PROGRAM_ID);
    await member.methods
      .propose({ setUpgradeAuthority: { newAuthority: null } } as never, Array.from(Buffer.alloc(32)), "")
      .accountsStrict({
        ...eventCpiAccounts(PROGRAM_ID),
        registry: addresses.registry(),
        proposal: addresses.proposal(0),
        proposer: council[0]!.publicKey,
        partner: PROGRAM_ID,
        systemProgram: SystemProgram.programId,
      })
      .rpc();
    for (const k of council)
      await net
        .program(k)
        .methods.approve()
        .accountsStrict({
          registry: addresses.registry(),
          proposal: addresses.proposal(0),
          member: k.publicKey,
          ...eventCpiAccounts(PROGRAM_ID),
        })
        .rpc();
    const clock = await net.connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY, "confirmed");
    net.surfnet.timeTravel({ unixTimestamp: Number(clock!.data.readBigInt64LE(32)) + 65 });
    await member.methods
      .execute()
      .accountsStrict({
        ...eventCpiAccounts(PROGRAM_ID),
        registry: addresses.registry(),
        proposal: addresses.proposal(0),
        executor: council[0]!.publicKey,
        systemProgram: SystemProgram.programId,
      })
      .remainingAccounts(setUpgradeAuthorityRemaining(null))
      .rpc();
    const immutable = await programWhen((p) => p.upgradeAuthority === null);
    assert.equal(immutable.upgradeAuthorityHolder, "immutable");

    const { history, proposals } = await until("the indexer to hold the execution", async () => {
      const data = await query<{
        history: Pick<HistoryEvent<EventData<"upgradeAuthorityChanged">>, "name" | "data">[];
        proposals: { edges: { node: Pick<Proposal, "status" | "description" | "action"> }[] };
      }>(api, "{ history { name data } proposals { edges { node { status description action } } } }");
      return data.proposals.edges[0]?.node.status === "executed" ? data : undefined;
    });
    const changes = history.filter((e) => e.name === "upgradeAuthorityChanged");
    assert.equal(changes.length, 2, "the handover and the executed proposal");
    assert.equal(changes[0]!.data?.newAuthority, councilUpgradeAuthority(PROGRAM_ID).toBase58());
    assert.equal(changes[0]!.data?.proposalId, null);
    assert.equal(changes[1]!.data?.newAuthority, null);
    assert.equal(proposals.edges[0]!.node.description, "make the program immutable: no one can change its code again");
  });

  it("authorityIsCouncil once the council's PDA holds the authority; null once immutable", async () => {
    const council = councilUpgradeAuthority(PROGRAM_ID);
    await setUpgradeAuthority(council);
    const held = await programWhen((p) => p.authorityIsCouncil);
    assert.equal(held.upgradeAuthority, council.toBase58());
    assert.equal(held.upgradeAuthorityHolder, "council");

    await setUpgradeAuthority(null);
    const immutable = await programWhen((p) => p.upgradeAuthority === null);
    assert.equal(immutable.upgradeAuthorityHolder, "immutable");
    assert.equal(immutable.authorityIsCouncil, false);
  });

  it("null for a program id with no program behind it", async () => {
    const other = new Indexer({
      rpcUrl: net.surfnet.rpcUrl,
      dbPath: `${tmp.dbPath}-other`,
      programId: PublicKey.unique(),
    });
    const otherApi = await startApiServer(other, { port: 0 });
    try {
      assert.deepEqual(
        await query<{ program: Pick<ProgramView, "programId"> | null }>(otherApi, "{ program { programId } }"),
        {
          program: null,
        },
      );
    } finally {
      await otherApi.close();
      await other.stop();
    }
  });

  it("an indexer whose RPC is gone answers a GraphQL error, and the rest of the API keeps serving", async () => {
    // Port 9 (discard) refuses the connection; the indexer is never started, only its API.
    const offline = new Indexer({ rpcUrl: "http://127.0.0.1:9", dbPath: `${tmp.dbPath}-offline` });
    const offlineApi = await startApiServer(offline, { port: 0 });
    try {
      const body = await gql<ProgramAnswer>(offlineApi, PROGRAM_QUERY);
      assert.equal(body.data?.program, null);
      assert.match(body.errors?.[0]?.message ?? "", /cannot read the program's ProgramData over RPC/);
      assert.equal(
        (await query<{ status: Pick<IndexerStatus, "eventCount"> }>(offlineApi, "{ status { eventCount } }")).status
          .eventCount,
        0,
      );
    } finally {
      await offlineApi.close();
      await offline.stop();
    }
  });
});
