// Auditors' commands against a private surfnet, reading the chain's transactions (no indexer):
// `lume history` lists the changes (also for one partner), `lume audit` replays the history hash
// chain to the registry's on-chain head, and exits 1 when the head disagrees.
import assert from "node:assert/strict";
import { registryAddress } from "../../app/src/sdk/pda.js";
import type { PartnerHandle, RegistryFixture } from "../../harness/registry-fixture.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import { surfnetFixture } from "../indexer/support.js";
import { lume } from "./lume-helpers.js";

describe("lume history and lume audit (surfnet)", function () {
  this.timeout(120_000);
  const net = useRegistrySurfnet();
  let f: RegistryFixture;
  let admitted: PartnerHandle;
  const onNet = (...args: string[]) => lume(["--url", net.surfnet.rpcUrl, "--ws-url", net.surfnet.wsUrl, ...args]);

  before(async function () {
    this.timeout(120_000);
    f = await surfnetFixture(net);
    admitted = await f.admittedPartner();
    await f.apply({ legalName: "Second Applicant Ltd", jurisdiction: "GB" });
  });

  it("history lists every change in order, from the transactions; --partner narrows it", async () => {
    const count = Number((await f.registry()).history.changeCount);
    const all = await onNet("--json", "history");
    assert.equal(all.code, 0, all.err);
    const events = all.json<{ changeIndex: number; partner: string | null; blockTime: number; raw: string }[]>();
    assert.deepEqual(
      events.map((e) => e.changeIndex),
      Array.from({ length: count }, (_, i) => i + 1),
    );
    assert.ok(events.every((e) => e.blockTime > 1_600_000_000 && /^[0-9a-f]+$/.test(e.raw)));
    const mine = await onNet("--json", "history", "--partner", admitted.address.toBase58());
    const partnerEvents = mine.json<{ partner: string }[]>();
    assert.ok(partnerEvents.length >= 3, `${partnerEvents.length} changes about the partner`);
    assert.ok(partnerEvents.every((e) => e.partner === admitted.address.toBase58()));
    const text = await onNet("history", "--partner", admitted.address.toBase58());
    assert.match(text.out, /^#\d+ slot \d+ 20\d\d-\d\d-\d\dT\S+ {2}\w+ {2}partner \w+ {2}tx \w+$/m);
  });

  it("audit replays the hash chain to the on-chain head: OK, then exit 1 once the head is altered", async () => {
    const ok = await onNet("audit");
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /audit: OK$/);
    const registry = await f.registry();
    assert.ok(ok.out.includes(Buffer.from(registry.history.head).toString("hex")));

    // Alter one byte of the head stored in the registry account (a cheatcode: what a bug or a
    // forged chain would look like to an auditor).
    const address = registryAddress();
    const account = (await net.connection.getAccountInfo(address, "confirmed"))!;
    const data = Buffer.from(account.data);
    const at = data.indexOf(Buffer.from(registry.history.head));
    assert.ok(at > 0);
    data[at] = data[at]! ^ 0xff;
    net.surfnet.setAccount({ address, lamports: account.lamports, data, owner: account.owner });
    const bad = await onNet("audit");
    assert.equal(bad.code, 1);
    assert.match(bad.out, /DIFF the replayed head [0-9a-f]{64} differs from the on-chain head/);
    assert.match(bad.err, /^error: audit found 1 difference\(s\)$/m);
  });
});
