// `lume program write-buffer` and `lume program deploy` against a private surfnet, whose runtime
// executes the upgradeable loader's InitializeBuffer, Write, DeployWithMaxDataLen and Upgrade:
// a buffer written in chunks and resumed, a new program deployed from it, an upgrade to another
// build (checked with `lume program verify`), and refusals in plain words.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keypair, PublicKey } from "@solana/web3.js";
import { runLume } from "../../app/src/cli/lume/program.js";
import { sha256Hex } from "../../app/src/sdk/deployed-program.js";
import { type SendTransaction, sendWith, writeProgramBuffer } from "../../app/src/sdk/loader-deploy.js";
import { programDataAddress } from "../../app/src/sdk/pda.js";
import { BUFFER_HEADER_LEN, decodeBuffer } from "../../app/src/sdk/upgradeable-loader.js";
import { PROGRAM_SO_PATH } from "../../harness/program.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import { keyFile, lume, lumeAs, ok, type ProgramVerifyJson } from "./lume-helpers.js";

const OTHER_BUILD = "target/deploy/test_council_member.so";

describe("lume program write-buffer / deploy (surfnet)", function () {
  this.timeout(120_000);
  const net = useRegistrySurfnet();
  let dir: string;
  let deployer: Keypair;
  let deployerFile: string;
  const registrySo = () => readFileSync(PROGRAM_SO_PATH);

  const as = (keypair: string, ...args: string[]) => lumeAs(net, keypair, ...args);

  async function bufferBytes(address: PublicKey): Promise<Buffer> {
    const account = await net.connection.getAccountInfo(new PublicKey(address), "confirmed");
    return decodeBuffer(account!.data)!.bytes;
  }

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "lume-program-"));
    deployer = net.fundedKeypair(50);
    deployerFile = keyFile(dir, "deployer", deployer);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("write-buffer: the .so in chunks with progress; run again with --buffer, only the missing chunks are sent", async () => {
    const run = ok(await as(deployerFile, "program", "write-buffer"));
    const buffer = new PublicKey(/^buffer +(\w+)$/m.exec(run.out)![1]!);
    const chunks = Math.ceil(registrySo().length / 900);
    assert.match(run.err, new RegExp(`writing: ${chunks}/${chunks} chunks`));
    assert.match(run.err, /if interrupted, run again with --buffer/);
    assert.deepEqual(await bufferBytes(buffer), registrySo());

    // An interrupted write, as the chain would hold it: three chunks never landed.
    const account = (await net.connection.getAccountInfo(buffer, "confirmed"))!;
    const partial = Buffer.from(account.data);
    partial.fill(0, BUFFER_HEADER_LEN + 900 * 10, BUFFER_HEADER_LEN + 900 * 13);
    net.surfnet.setAccount({ address: buffer, lamports: account.lamports, data: partial, owner: account.owner });

    const resumed = ok(await as(deployerFile, "--json", "program", "write-buffer", "--buffer", buffer.toBase58()));
    assert.deepEqual(
      { ...resumed.json<Record<string, unknown>>(), buffer: undefined },
      {
        buffer: undefined,
        bytes: registrySo().length,
        chunks,
        written: 3,
        sha256: sha256Hex(registrySo()),
        bufferAuthority: deployer.publicKey.toBase58(),
      },
    );
    assert.deepEqual(await bufferBytes(buffer), registrySo());
  });

  it("asks before paying for a buffer (without --yes); a no sends nothing", async () => {
    const questions: string[] = [];
    const err: string[] = [];
    const code = await runLume(
      ["--url", net.surfnet.rpcUrl, "--keypair", deployerFile, "program", "write-buffer", "--so", OTHER_BUILD],
      {
        io: {
          out: () => {},
          err: (s) => err.push(s),
          confirm: async (q) => {
            questions.push(q);
            return false;
          },
        },
      },
    );
    assert.equal(code, 1);
    assert.match(questions[0]!, /^write 6856 bytes into buffer (\w+) as \w+ on http/);
    assert.deepEqual(err, ["error: cancelled: nothing was sent"]);
    const buffer = new PublicKey(/into buffer (\w+)/.exec(questions[0]!)![1]!);
    assert.equal(await net.connection.getAccountInfo(buffer, "confirmed"), null);
  });

  it("a failed chunk is sent again after a pause, and the buffer ends up whole", async () => {
    const real = sendWith(net.connection);
    let failures = 0;
    const flaky: SendTransaction = async (what, ixs, signers) => {
      if (what.startsWith("write bytes 1800..") && failures++ < 2) throw new Error("block height exceeded");
      return real(what, ixs, signers);
    };
    const retries: string[] = [];
    const elf = readFileSync(OTHER_BUILD);
    const result = await writeProgramBuffer({
      connection: net.connection,
      send: flaky,
      authority: deployer,
      elf,
      buffer: Keypair.generate(),
      retryBaseMs: 10,
      // The pause doubles from 10 ms, less up to half of it as jitter.
      onRetry: (what, err, delayMs) => {
        const ceiling = 10 * 2 ** retries.length;
        const pause = delayMs >= ceiling / 2 && delayMs <= ceiling ? `${ceiling / 2}..${ceiling}` : delayMs;
        retries.push(`${what.split(" into")[0]}: ${err.message} (${pause} ms)`);
      },
    });
    assert.deepEqual(retries, [
      "write bytes 1800..2700: block height exceeded (5..10 ms)",
      "write bytes 1800..2700: block height exceeded (10..20 ms)",
    ]);
    assert.deepEqual(await bufferBytes(result.buffer), elf);
  });

  it("deploy: a new program from its keypair, then an upgrade to another build; verify follows", async () => {
    const programKeypair = Keypair.generate();
    const programFile = keyFile(dir, "program", programKeypair);
    const programId = programKeypair.publicKey.toBase58();
    const deployed = ok(await as(deployerFile, "program", "deploy", "--program-keypair", programFile));
    assert.match(deployed.out, new RegExp(`^deployed  ${programId}$`, "m"));
    assert.match(
      deployed.out,
      new RegExp(`^ProgramData ${programDataAddress(programKeypair.publicKey).toBase58()}$`, "m"),
    );

    const verify = (...args: string[]) =>
      lume(["--url", net.surfnet.rpcUrl, "--program-id", programId, "--json", "program", "verify", ...args]);
    const first = (await verify()).json<ProgramVerifyJson>();
    assert.equal(first.match, true);
    assert.equal(first.deployedSha256, sha256Hex(registrySo()));
    assert.equal(first.upgradeAuthority, deployer.publicKey.toBase58());

    const upgraded = ok(await as(deployerFile, "--program-id", programId, "program", "deploy", "--so", OTHER_BUILD));
    assert.match(upgraded.out, new RegExp(`^upgraded  ${programId}$`, "m"));
    const second = await verify("--so", OTHER_BUILD);
    assert.equal(second.code, 0, second.err);
    assert.equal(second.json<ProgramVerifyJson>().deployedSha256, sha256Hex(readFileSync(OTHER_BUILD)));
    assert.ok(BigInt(second.json<ProgramVerifyJson>().lastUpgradeSlot) > BigInt(first.lastUpgradeSlot));
    assert.equal((await verify()).code, 1, "the first build no longer matches");
  });

  it("refuses in plain words: not the upgrade authority; a build larger than ProgramData's room", async () => {
    const small = Keypair.generate();
    ok(
      await as(
        deployerFile,
        "program",
        "deploy",
        "--so",
        OTHER_BUILD,
        "--program-keypair",
        keyFile(dir, "small", small),
      ),
    );
    const outsiderFile = keyFile(dir, "outsider", net.fundedKeypair(10));
    const stranger = await as(
      outsiderFile,
      "--program-id",
      small.publicKey.toBase58(),
      "program",
      "deploy",
      "--so",
      OTHER_BUILD,
    );
    assert.equal(stranger.code, 1);
    assert.match(stranger.err, /^error: \w+ is not the upgrade authority of \w+ \(\w+ is\)$/m);

    const tooBig = await as(deployerFile, "--program-id", small.publicKey.toBase58(), "program", "deploy");
    assert.equal(tooBig.code, 1);
    assert.match(
      tooBig.err,
      new RegExp(`has room for 13712 bytes, the new build has ${registrySo().length}: extend it first`),
    );
    assert.doesNotMatch(`${stranger.err}${tooBig.err}`, /\n\s+at /);
    // Refused before a buffer was paid for: nothing was written.
    assert.doesNotMatch(`${stranger.err}${tooBig.err}`, /writing:/);

    const missing = await as(deployerFile, "program", "write-buffer", "--so", "/nonexistent.so");
    assert.match(missing.err, /^error: \/nonexistent.so does not exist: run `npm run build` first/);
  });
});
