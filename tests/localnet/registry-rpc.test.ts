// The registry driven over JSON-RPC, as the app, CLI and indexer will drive it: web3.js
// Connection, Anchor's AnchorProvider and Program, on a private surfnet.
import assert from "node:assert/strict";
import anchor from "@coral-xyz/anchor";
import { type Keypair, SendTransactionError } from "@solana/web3.js";
import { registryErrorOf } from "../../app/src/sdk/errors.js";
import { innerInstructionsOf, registryEventsOf } from "../../app/src/sdk/events.js";
import { catalogueNames } from "../../app/src/sdk/fixed-text.js";
import { registryAddress } from "../../app/src/sdk/pda.js";
import { registryProgram } from "../../app/src/sdk/program.js";
import { RegistryProvider } from "../../app/src/sdk/provider.js";
import {
  defaultInitializeArgs,
  discriminator,
  type InitializeArgs,
  initializeAccounts,
  PROGRAM_ID,
  registryErrorCode,
} from "../../harness/program.js";
import type { SurfnetSuite } from "../../harness/surfnet.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";

const { BN } = anchor;
const { bs58 } = anchor.utils.bytes;

function initialize(
  net: SurfnetSuite,
  signer: Keypair,
  args: InitializeArgs,
  options: { skipPreflight?: boolean } = {},
) {
  return net
    .program(signer)
    .methods.initializeRegistry(args.council, args.threshold, args.timeLockSeconds, args.policy, args.categories)
    .accountsStrict(initializeAccounts(signer.publicKey))
    .rpc(options);
}

async function rejection(action: Promise<unknown>): Promise<unknown> {
  return action.then(
    () => assert.fail("the transaction succeeded"),
    (err: unknown) => err,
  );
}

describe("registry over JSON-RPC (surfnet)", function () {
  this.timeout(60_000);
  const net = useRegistrySurfnet();
  const args = defaultInitializeArgs();
  let signature: string;

  it("refuses anyone but the upgrade authority: NotUpgradeAuthority (6014), decoded from the RPC error", async () => {
    const impostor = net.fundedKeypair();
    const err = await rejection(initialize(net, impostor, args));
    // Preflight simulation failed: web3.js's SendTransactionError carries the program logs.
    const decoded = registryErrorOf(err);
    assert.equal(decoded?.name, "NotUpgradeAuthority");
    assert.equal(decoded.code, 6014);
    assert.equal(decoded.code, registryErrorCode("NotUpgradeAuthority"));
    assert.match(decoded.msg, /upgrade authority/);
    assert.ok(
      decoded.logs.includes(`Program ${PROGRAM_ID.toBase58()} failed: custom program error: 0x177e`),
      decoded.logs.join("\n"),
    );
  });

  it("records a refused initialize that skipped preflight, with the same error on chain", async () => {
    const impostor = net.fundedKeypair();
    // Sent raw, not with Anchor's rpc(): when a transaction that skipped preflight fails on chain,
    // Anchor 0.32 wraps the logs with web3.js' old SendTransactionError constructor, which
    // web3.js 1.98 rejects ("Unknown action 'undefined'"), losing the error altogether.
    const tx = await net
      .program(impostor)
      .methods.initializeRegistry(args.council, args.threshold, args.timeLockSeconds, args.policy, args.categories)
      .accountsStrict(initializeAccounts(impostor.publicKey))
      .transaction();
    const { blockhash, lastValidBlockHeight } = await net.connection.getLatestBlockhash("confirmed");
    tx.recentBlockhash = blockhash;
    tx.feePayer = impostor.publicKey;
    tx.sign(impostor);
    const sent = await net.connection.sendRawTransaction(tx.serialize(), { skipPreflight: true });
    // The confirmation's TransactionError ({ InstructionError: [0, { Custom: 6014 }] }), returned
    // or (as web3.js does for some confirmation strategies) thrown as is.
    const confirmationError = await net.connection
      .confirmTransaction({ signature: sent, blockhash, lastValidBlockHeight }, "confirmed")
      .then(
        ({ value }) => value.err,
        (err: unknown) => err,
      );
    assert.equal(
      registryErrorOf(confirmationError)?.name,
      "NotUpgradeAuthority",
      `not decoded from ${JSON.stringify(confirmationError)}`,
    );
    const [failed] = await net.connection.getSignaturesForAddress(impostor.publicKey, { limit: 1 });
    assert.ok(failed, "no signature recorded for the impostor");
    assert.deepEqual(failed.err, { InstructionError: [0, { Custom: 6014 }] });
    assert.equal(await net.connection.getAccountInfo(registryAddress()), null);
  });

  it("RegistryProvider (the CLI's) keeps the program error of a transaction that failed on chain", async () => {
    const impostor = net.fundedKeypair();
    const provider = new RegistryProvider(net.connection, new anchor.Wallet(impostor), { commitment: "confirmed" });
    const err = await rejection(
      registryProgram(provider)
        .methods.initializeRegistry(args.council, args.threshold, args.timeLockSeconds, args.policy, args.categories)
        .accountsStrict(initializeAccounts(impostor.publicKey))
        .rpc({ skipPreflight: true }),
    );
    assert.equal(registryErrorOf(err)?.name, "NotUpgradeAuthority", `not decoded from: ${String(err)}`);
  });

  it("initializes the registry through Anchor's Program as the upgrade authority", async () => {
    signature = await initialize(net, net.upgradeAuthority, args);
    assert.match(signature, /^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
  });

  it("getAccountInfo returns the Registry account, decoded by Anchor's coder", async () => {
    const account = await net.connection.getAccountInfo(registryAddress());
    assert.ok(account, "no registry account");
    assert.ok(account.owner.equals(PROGRAM_ID));
    assert.deepEqual(account.data.subarray(0, 8), discriminator("account", "Registry"));
    assert.equal(account.lamports, await net.connection.getMinimumBalanceForRentExemption(account.data.length));

    const program = net.program(net.upgradeAuthority);
    const registry = program.coder.accounts.decode<Awaited<ReturnType<typeof program.account.registry.fetch>>>(
      "registry",
      account.data,
    );
    assert.equal(registry.layoutVersion, 1);
    assert.equal(registry.threshold, args.threshold);
    assert.equal(registry.timeLockSeconds, args.timeLockSeconds);
    assert.equal(registry.councilEpoch, 1);
    assert.ok(registry.initializedBy.equals(net.upgradeAuthority.publicKey));
    assert.deepEqual(registry.council.slice(0, registry.councilLen).map(String), args.council.map(String));
    assert.deepEqual(registry.policy, args.policy);
    assert.deepEqual(catalogueNames(registry), args.categories);
    assert.ok(registry.history.changeCount.eq(new BN(1)));
    // The program reads the surfnet's Clock: wall-clock time at start.
    const createdAt = registry.createdAt.toNumber();
    assert.ok(Math.abs(createdAt - Date.now() / 1000) < 600, `createdAt ${createdAt}`);
  });

  it("getTransaction shows the program's logs, its event (an inner instruction) and the compute units consumed", async () => {
    const tx = await net.connection.getTransaction(signature, {
      commitment: "confirmed",
      maxSupportedTransactionVersion: 0,
    });
    assert.ok(tx?.meta, "transaction not found");
    assert.equal(tx.meta.err, null);
    const logs = tx.meta.logMessages ?? [];
    const id = PROGRAM_ID.toBase58();
    assert.equal(logs[0], `Program ${id} invoke [1]`);
    assert.equal(logs.at(-1), `Program ${id} success`);
    // The event is the program's self-CPI, not a log line.
    assert.equal(logs.filter((l) => l.startsWith("Program data: ")).length, 0);
    assert.equal(registryEventsOf(innerInstructionsOf(tx), PROGRAM_ID).length, 1);
    // The last "consumed" line is the outer invocation's (the first is its event CPI's).
    const consumed = logs
      .map((l) => new RegExp(`^Program ${id} consumed (\\d+) of`).exec(l)?.[1])
      .filter(Boolean)
      .at(-1);
    const units = tx.meta.computeUnitsConsumed;
    assert.ok(units !== undefined && units > 0 && units < 6_000, `${units} CU`);
    // The meta's total adds nothing beyond the program's own count for this one-instruction transaction.
    assert.equal(units, Number(consumed));
    console.log(`      initialize_registry over RPC: ${units} CU`);
  });

  it("getProgramAccounts with a memcmp filter on the Registry discriminator finds the registry", async () => {
    const registries = await net.connection.getProgramAccounts(PROGRAM_ID, {
      filters: [{ memcmp: { offset: 0, bytes: bs58.encode(discriminator("account", "Registry")) } }],
    });
    assert.deepEqual(
      registries.map((r) => r.pubkey.toBase58()),
      [registryAddress().toBase58()],
    );
    const none = await net.connection.getProgramAccounts(PROGRAM_ID, {
      filters: [{ memcmp: { offset: 0, bytes: bs58.encode(discriminator("account", "Partner")) } }],
    });
    assert.deepEqual(none, []);
  });

  it("getSignaturesForAddress lists the transactions that named the registry address, newest first", async () => {
    const signatures = await net.connection.getSignaturesForAddress(registryAddress());
    // The initialization, then the two refused ones that skipped preflight (they name the address too).
    assert.equal(signatures.length, 3);
    assert.equal(signatures[0]?.signature, signature);
    assert.equal(signatures[0]?.err, null);
    for (const refused of signatures.slice(1))
      assert.deepEqual(refused.err, { InstructionError: [0, { Custom: 6014 }] });
  });

  it("refuses a second initialization: AlreadyInitialized", async () => {
    const err = await rejection(initialize(net, net.upgradeAuthority, defaultInitializeArgs()));
    assert.equal(registryErrorOf(err)?.name, "AlreadyInitialized");
  });

  it("decodes the code from a confirmation failure Anchor wrapped with logs that lack the failure line", () => {
    // Anchor re-throws a failed confirmation as a SendTransactionError whose transactionMessage is
    // the confirmation's text; the logs it fetched may stop before the program's failure line.
    const wrapped = new SendTransactionError({
      action: "send",
      signature: "5".repeat(64),
      transactionMessage: 'Raw transaction 5 failed ({"err":{"InstructionError":[0,{"Custom":6014}]}})',
      logs: [`Program ${PROGRAM_ID.toBase58()} invoke [1]`],
    });
    assert.equal(registryErrorOf(wrapped)?.name, "NotUpgradeAuthority");
    assert.equal(registryErrorOf(new Error("socket hang up")), undefined);
  });
});
