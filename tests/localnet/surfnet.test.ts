// The typed surfnet module and the local chain built on it: deploy with an upgrade authority,
// cheatcodes, the fixed-port forwarders, and the errors a person sees.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { Connection, Keypair, PublicKey, SYSVAR_CLOCK_PUBKEY } from "@solana/web3.js";
import { localnetProgramId, readAnchorToml } from "../../app/src/localnet/anchor-toml.js";
import { LocalnetError } from "../../app/src/localnet/errors.js";
import { startLocalnet } from "../../app/src/localnet/localnet.js";
import { Surfnet } from "../../app/src/localnet/surfnet.js";
import { closeConnectionSocket } from "../../app/src/sdk/connection-socket.js";
import { LUME_REGISTRY_PROGRAM_ID } from "../../app/src/sdk/idl.js";
import { programDataAddress } from "../../app/src/sdk/pda.js";
import { decodeProgramData } from "../../app/src/sdk/program-data.js";
import { fetchRegistry } from "../../app/src/sdk/registry-state.js";
import { defaultInitializeArgs, initializeAccounts, PROGRAM_ID, PROGRAM_SO_PATH } from "../../harness/program.js";
import { SOL, useRegistrySurfnet } from "../../harness/surfnet.js";
import { nextEvent, subscribed } from "../support/subscriptions.js";

const DAY = 86_400;

/** Clock sysvar: slot u64, epoch_start_timestamp i64, epoch u64, leader_schedule_epoch u64, unix_timestamp i64. */
async function clockUnixTimestamp(connection: Connection): Promise<number> {
  const clock = await connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY);
  assert.ok(clock, "no Clock sysvar account");
  return Number(clock.data.readBigInt64LE(32));
}

function listenOnFreePort(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  assert.ok(typeof address === "object" && address !== null);
  return address.port;
}

describe("surfnet module (surfpool embedded runtime)", function () {
  this.timeout(60_000);

  describe("a surfnet with the registry deployed", () => {
    const net = useRegistrySurfnet();

    it("deploys under the upgradeable loader with the given upgrade authority in ProgramData", async () => {
      const program = await net.connection.getAccountInfo(PROGRAM_ID);
      assert.ok(program?.executable, "program account not executable");
      const programData = await net.connection.getAccountInfo(programDataAddress(PROGRAM_ID));
      assert.ok(programData, "no ProgramData account");
      assert.ok(decodeProgramData(programData.data).upgradeAuthority?.equals(net.upgradeAuthority.publicKey));
    });

    it("fundSol sets a balance and setAccount writes an account as is", async () => {
      const someone = Keypair.generate().publicKey;
      net.surfnet.fundSol(someone, 3 * SOL);
      assert.equal(await net.connection.getBalance(someone), 3 * SOL);

      const address = Keypair.generate().publicKey;
      net.surfnet.setAccount({ address, lamports: 5_000_000n, data: Uint8Array.from([1, 2, 3, 4]), owner: PROGRAM_ID });
      const account = await net.connection.getAccountInfo(address);
      assert.ok(account);
      assert.deepEqual([...account.data], [1, 2, 3, 4]);
      assert.ok(account.owner.equals(PROGRAM_ID));
      assert.equal(account.lamports, 5_000_000);
    });

    it("timeTravel moves the Clock the program reads (what time locks and review deadlines will use)", async () => {
      const target = Math.floor(Date.now() / 1000) + 40 * DAY;
      const info = net.surfnet.timeTravel({ unixTimestamp: target });
      assert.ok(info.absoluteSlot > 0);
      const now = await clockUnixTimestamp(net.connection);
      assert.ok(now >= target && now < target + 60, `Clock at ${now}, target ${target}`);

      const args = defaultInitializeArgs();
      const program = net.program(net.upgradeAuthority);
      await program.methods
        .initializeRegistry(args.council, args.threshold, args.timeLockSeconds, args.policy, args.categories)
        .accountsStrict(initializeAccounts(net.upgradeAuthority.publicKey))
        .rpc();
      const registry = await fetchRegistry(program);
      const createdAt = registry?.createdAt.toNumber() ?? 0;
      assert.ok(createdAt >= target && createdAt < target + 60, `createdAt ${createdAt}, target ${target}`);
    });
  });

  it("deploys an immutable program when the upgrade authority is null", async () => {
    const surfnet = Surfnet.start();
    try {
      await surfnet.deploy({ programId: PROGRAM_ID, soPath: PROGRAM_SO_PATH, upgradeAuthority: null });
      const programData = await surfnet.connection.getAccountInfo(programDataAddress(PROGRAM_ID));
      assert.equal(decodeProgramData(programData!.data).upgradeAuthority, null);
    } finally {
      surfnet.stop();
    }
  });

  it("says to run `npm run build` when the program binary is missing", async () => {
    const surfnet = Surfnet.start();
    try {
      await assert.rejects(
        surfnet.deploy({ programId: PROGRAM_ID, soPath: "target/deploy/no_such_program.so", upgradeAuthority: null }),
        (err: unknown) => err instanceof LocalnetError && /does not exist: run `npm run build` first/.test(err.message),
      );
    } finally {
      surfnet.stop();
    }
  });

  it("reads the program id from Anchor.toml's [programs.localnet], the id the IDL names", () => {
    const id = localnetProgramId(readAnchorToml(), "lume_registry");
    assert.ok(id.equals(PROGRAM_ID));
    assert.ok(id.equals(LUME_REGISTRY_PROGRAM_ID));
  });

  it("forwards JSON-RPC and PubSub from fixed loopback ports, and frees them on stop", async () => {
    const authority = Keypair.generate();
    const localnet = await startLocalnet({
      programs: [{ programId: PROGRAM_ID, soPath: PROGRAM_SO_PATH, upgradeAuthority: authority.publicKey }],
      fund: [{ address: authority.publicKey, lamports: SOL }],
      rpcPort: 0,
      wsPort: 0,
    });
    const connection = new Connection(localnet.rpcUrl, { commitment: "confirmed", wsEndpoint: localnet.wsUrl });
    try {
      assert.match(localnet.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(localnet.rpcUrl, localnet.surfnet.rpcUrl);
      assert.equal((await connection.getVersion())["solana-core"], "4.1.2");
      assert.equal(await connection.getBalance(authority.publicKey), SOL);

      let id = 0;
      const slot = nextEvent<number>((done) => {
        id = connection.onSlotChange((s) => done(s.slot));
      }, "slot notification through the PubSub forwarder");
      await subscribed(connection, id);
      assert.ok((await slot) > 0);
      await connection.removeSlotChangeListener(id);
    } finally {
      closeConnectionSocket(connection);
      await localnet.stop();
    }
    assert.ok(localnet.surfnet.isStopped);
    await assert.rejects(fetch(localnet.rpcUrl, { method: "POST" }), "the JSON-RPC port still answers");
    // Stopping twice is harmless.
    await localnet.stop();
  });

  it("refuses a busy port with a message that says what to do", async () => {
    const busy = await listenOnFreePort();
    try {
      await assert.rejects(
        startLocalnet({ programs: [], rpcPort: 0, wsPort: portOf(busy) }),
        (err: unknown) =>
          err instanceof LocalnetError &&
          err.message.includes(`127.0.0.1:${portOf(busy)} (PubSub) is already in use`) &&
          /Stop it/.test(err.message),
      );
    } finally {
      busy.close();
    }
  });

  it("starts each surfnet on its own dynamic ports", () => {
    const a = Surfnet.start();
    const b = Surfnet.start();
    try {
      const ports = [a.rpcUrl, a.wsUrl, b.rpcUrl, b.wsUrl].map((u) => new URL(u).port);
      assert.equal(new Set(ports).size, 4);
      assert.ok(!ports.includes("8899") && !ports.includes("8900"));
      assert.ok(a.payer.publicKey instanceof PublicKey);
    } finally {
      a.stop();
      b.stop();
    }
  });
});
