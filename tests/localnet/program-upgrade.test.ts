// Issue 14 on a surfnet (surfpool's runtime: solana-core 4.1.2, the upgradeable loader as a
// validator runs it), through the `lume` CLI as a deployer and a council would: the registry is
// initialized, `lume program handover` gives the upgrade authority to the council's PDA,
// `lume program write-buffer --council-authority` writes a second build (scripts/
// build-upgrade-test.sh) into a buffer the PDA owns, `lume propose upgrade-program` → approve →
// time lock → `lume execute` upgrades the program by CPI, `lume program verify` matches the
// second build, and `report_version` shows it running; then the council makes the program
// immutable. litesvm runs the same in tests/program/program-upgrade.test.ts.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Keypair, type PublicKey, SYSVAR_CLOCK_PUBKEY } from "@solana/web3.js";
import { councilUpgradeAuthority } from "../../app/src/sdk/deployed-program.js";
import { eventCpiAccounts } from "../../app/src/sdk/events.js";
import { programDataAddress } from "../../app/src/sdk/pda.js";
import { decodeProgramData } from "../../app/src/sdk/program-data.js";
import { DEFAULT_POLICY, PROGRAM_ID } from "../../harness/program.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import {
  buildSecondVersion,
  FIRST_VERSION_LINE,
  SECOND_BUILD_PATH,
  SECOND_VERSION_LINE,
} from "../../harness/upgrade-build.js";
import { ensureRegistry } from "../../migrations/initialize-registry.js";
import { keyFile, lumeAs, ok } from "../cli/lume-helpers.js";

const TIME_LOCK = 60;
const SECOND_BUILD = SECOND_BUILD_PATH;

describe("the program's code under the council (surfnet, lume CLI)", function () {
  this.timeout(300_000);
  const net = useRegistrySurfnet();
  let dir: string;
  let council: Keypair[];
  const files: Record<string, string> = {};

  const as = (signer: string, ...args: string[]) => lumeAs(net, files[signer]!, ...args);

  async function afterTimeLock(): Promise<void> {
    const clock = await net.connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY, "confirmed");
    net.surfnet.timeTravel({ unixTimestamp: Number(clock!.data.readBigInt64LE(32)) + TIME_LOCK + 5 });
  }

  async function authority(): Promise<PublicKey | null> {
    const account = await net.connection.getAccountInfo(programDataAddress(PROGRAM_ID), "confirmed");
    return decodeProgramData(account!.data).upgradeAuthority;
  }

  /** The line `report_version` logs, in a later slot (new code runs from the slot after an upgrade). */
  async function runningVersion(): Promise<string> {
    const slot = await net.connection.getSlot("confirmed");
    net.surfnet.timeTravel({ slot: slot + 2 });
    const program = net.program(council[0]!);
    const signature = await program.methods.reportVersion().accountsStrict(eventCpiAccounts(PROGRAM_ID)).rpc();
    const tx = await net.connection.getTransaction(signature, {
      commitment: "confirmed",
      maxSupportedTransactionVersion: 0,
    });
    const line = tx!.meta!.logMessages!.find((l) => l.startsWith("Program log: lume-registry"));
    return line!.replace("Program log: ", "");
  }

  before(async function () {
    this.timeout(300_000);
    buildSecondVersion();
    dir = mkdtempSync(join(tmpdir(), "lume-upgrade-"));
    council = [0, 1, 2].map(() => net.fundedKeypair(20));
    council.forEach((k, i) => {
      files[`member${i}`] = keyFile(dir, `member${i}`, k);
    });
    files.deployer = keyFile(dir, "deployer", net.upgradeAuthority);
    await ensureRegistry(net.provider(net.upgradeAuthority), {
      council: council.map((k) => k.publicKey),
      threshold: 2,
      timeLockSeconds: TIME_LOCK,
      policy: { ...DEFAULT_POLICY },
      categories: ["api-read"],
    });
    // Room in ProgramData for the second build (a real deploy chooses it: `lume program deploy
    // --max-len`, `solana program deploy --max-len`); surfpool's deploy leaves none.
    const address = programDataAddress(PROGRAM_ID);
    const account = (await net.connection.getAccountInfo(address, "confirmed"))!;
    const data = Buffer.concat([account.data, Buffer.alloc(4096)]);
    net.surfnet.setAccount({ address, lamports: account.lamports + 4096 * 6960, data, owner: account.owner });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("lume program handover: only the upgrade authority; the council's PDA takes it, verify says so", async () => {
    const refused = await as("member0", "program", "handover");
    assert.equal(refused.code, 1);
    assert.match(refused.err, /the upgrade authority is \w+, not the wallet/);
    assert.doesNotMatch(refused.err, /\n\s+at /, "no stack trace");

    const handed = ok(await as("deployer", "program", "handover"));
    assert.match(handed.out, /handed over: the upgrade authority of \w+ is now the registry council/);
    assert.ok((await authority())!.equals(councilUpgradeAuthority(PROGRAM_ID)));
    const verify = ok(await as("member0", "program", "verify"));
    assert.match(verify.out, /upgrade authority +held by the registry council/);

    const again = await as("deployer", "program", "handover");
    assert.equal(again.code, 1);
    assert.match(again.err, /the registry council already holds the upgrade authority/);
  });

  it("upgrades to a second build by proposal: write-buffer --council-authority, propose, approve, execute", async () => {
    assert.equal(await runningVersion(), FIRST_VERSION_LINE);
    const written = ok(await as("member0", "program", "write-buffer", "--so", SECOND_BUILD, "--council-authority"));
    const buffer = /^buffer +(\w+)$/m.exec(written.out)![1]!;
    assert.match(written.out, /authority \w+ \(the registry council\)/);

    // Without the build or its hash there is nothing for the council to approve: refused in words.
    const unhashed = await as("member0", "propose", "upgrade-program", "--buffer", buffer);
    assert.equal(unhashed.code, 1);
    assert.match(unhashed.err, /give the build as --so <path> or its hash as --buffer-sha256 <hex>/);
    const neither = await as("member0", "propose", "set-upgrade-authority");
    assert.equal(neither.code, 1);
    assert.match(neither.err, /give either --new-authority <address> or --immutable/);
    assert.doesNotMatch(`${unhashed.err}${neither.err}`, /\n\s+at /, "no stack trace");

    const proposed = ok(
      await as("member0", "--json", "propose", "upgrade-program", "--buffer", buffer, "--so", SECOND_BUILD),
    );
    const { proposalId } = proposed.json<{ proposalId: number }>();
    const listed = ok(await as("member1", "proposals", "list")).out;
    assert.match(listed, new RegExp(`upgrade the program's code to the build in buffer ${buffer}`));
    ok(await as("member0", "approve", String(proposalId)));
    ok(await as("member1", "approve", String(proposalId)));
    await afterTimeLock();
    const executed = ok(await as("member2", "execute", String(proposalId)));
    assert.match(executed.out, /executed proposal #\d+, confirmed: upgrade the program's code/);

    const verify = ok(await as("member0", "program", "verify", "--so", SECOND_BUILD));
    assert.match(verify.out, /match: the deployed bytecode is this build/);
    assert.equal(await runningVersion(), SECOND_VERSION_LINE);
  });

  it("the former deployer cannot upgrade any more: lume program deploy is refused in words", async () => {
    const refused = await as("deployer", "program", "deploy", "--so", SECOND_BUILD);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /upgrade authority/);
    assert.doesNotMatch(refused.err, /\n\s+at /, "no stack trace");
  });

  it("makes the program immutable by proposal; lume program verify says no one can change it", async () => {
    const { proposalId } = ok(await as("member0", "--json", "propose", "set-upgrade-authority", "--immutable")).json<{
      proposalId: number;
    }>();
    assert.match(ok(await as("member1", "proposals", "list")).out, /make the program immutable/);
    ok(await as("member0", "approve", String(proposalId)));
    ok(await as("member1", "approve", String(proposalId)));
    await afterTimeLock();
    ok(await as("member2", "execute", String(proposalId)));
    assert.equal(await authority(), null);
    assert.match(
      ok(await as("member0", "program", "verify", "--so", SECOND_BUILD)).out,
      /immutable: no one can change the code/,
    );
  });
});
