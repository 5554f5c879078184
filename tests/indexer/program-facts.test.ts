// GraphQL `program { ... }` on a private surfnet: the deployed bytecode's hash equals the build's,
// and the upgrade authority follows ProgramData as it moves from a key to the council's PDA and
// to none (rewritten by cheatcode: the on-chain handover is not built yet).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { PublicKey } from "@solana/web3.js";
import { councilUpgradeAuthority, sha256Hex } from "../../app/src/sdk/deployed-program.js";
import { programDataAddress } from "../../app/src/sdk/pda.js";
import { withUpgradeAuthority } from "../../app/src/sdk/program-data.js";
import { PROGRAM_ID, PROGRAM_SO_PATH } from "../../harness/program.js";
import type { ProgramView } from "../../indexer/src/api/program-facts.js";
import type { ApiServer } from "../../indexer/src/api/server.js";
import { Indexer } from "../../indexer/src/indexer.js";
import { gql, query, startApiServer, until, useServedIndex } from "./support.js";

const PROGRAM_QUERY =
  "{ program { programId programData upgradeAuthority upgradeAuthorityHolder authorityIsCouncil executableSha256 executableLength lastUpgradeSlot } }";

describe("indexer GraphQL program facts (surfnet)", function () {
  this.timeout(60_000);
  const { net, tmp, serve } = useServedIndex();
  let api: ApiServer;

  before(async () => {
    ({ api } = await serve());
  });

  async function setUpgradeAuthority(authority: PublicKey | null): Promise<void> {
    const address = programDataAddress(PROGRAM_ID);
    const account = (await net.connection.getAccountInfo(address, "processed"))!;
    net.surfnet.setAccount({
      address,
      lamports: account.lamports,
      data: withUpgradeAuthority(account.data, authority),
      owner: account.owner,
    });
  }

  /** Waits out the resolver's short cache until the answer has moved. */
  const programWhen = (ok: (p: ProgramView) => boolean): Promise<ProgramView> =>
    until("the program facts to change", async () => {
      const { program } = await query(api, PROGRAM_QUERY);
      return ok(program) ? program : undefined;
    });

  it("the deployed bytecode's hash, the deployer key as authority, the last deploy's slot", async () => {
    const { program } = await query(api, PROGRAM_QUERY);
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
      assert.deepEqual(await query(otherApi, "{ program { programId } }"), { program: null });
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
      const body = await gql(offlineApi, PROGRAM_QUERY);
      assert.equal(body.data.program, null);
      assert.match(body.errors?.[0]?.message ?? "", /cannot read the program's ProgramData over RPC/);
      assert.equal((await query(offlineApi, "{ status { eventCount } }")).status.eventCount, 0);
    } finally {
      await offlineApi.close();
      await offline.stop();
    }
  });
});
