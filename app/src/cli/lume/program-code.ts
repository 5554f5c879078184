// `lume program ...`: the registry program's own code. `verify` compares the deployed bytecode
// with a local build and says who can change it; `write-buffer` and `deploy` put a build on chain.

import { Keypair, type PublicKey, Transaction } from "@solana/web3.js";
import { type Command, CommanderError, Option } from "commander";
import { UserError } from "../../entry/user-error.js";
import { REGISTRY_SO_PATH } from "../../localnet/registry-localnet.js";
import {
  councilUpgradeAuthority,
  describeUpgradeAuthority,
  ProgramNotDeployedError,
  readDeployedProgram,
  sha256Hex,
  upgradeAuthorityHolder,
} from "../../sdk/deployed-program.js";
import { handoverAccounts } from "../../sdk/program-governance.js";
import { setBufferAuthority } from "../../sdk/upgradeable-loader.js";
import { intArg, pubkeyArg } from "./args.js";
import type { CliContext } from "./context.js";
import {
  checkUpgradeCommand,
  deployCommand,
  keypairArg,
  readProgramBinary,
  writeBufferCommand,
} from "./program-deploy.js";
import type { Action } from "./runner.js";

/** The deployed program's ProgramData facts; a program that is not deployed is said in words. */
function deployedProgram(ctx: CliContext) {
  return ctx.read("read the program's ProgramData", async () => {
    try {
      return await readDeployedProgram(ctx.connection, ctx.programId);
    } catch (err) {
      if (err instanceof ProgramNotDeployedError) throw new UserError(err.message);
      throw err;
    }
  });
}

async function verify(ctx: CliContext, soPath: string) {
  const local = readProgramBinary(soPath);
  const deployed = await deployedProgram(ctx);
  const localSha256 = sha256Hex(local);
  return {
    programId: deployed.programId,
    programData: deployed.programData,
    match: localSha256 === deployed.executableSha256,
    deployedSha256: deployed.executableSha256,
    deployedLength: deployed.executableLength,
    localSha256,
    localLength: local.length,
    localPath: soPath,
    lastUpgradeSlot: deployed.lastUpgradeSlot,
    upgradeAuthority: deployed.upgradeAuthority,
    upgradeAuthorityHolder: upgradeAuthorityHolder(deployed),
    upgradeAuthorityInWords: describeUpgradeAuthority(deployed),
  };
}

type VerifyReport = Awaited<ReturnType<typeof verify>>;

function formatVerify(r: VerifyReport): string {
  return [
    `program            ${r.programId.toBase58()} (ProgramData ${r.programData.toBase58()})`,
    `deployed sha256    ${r.deployedSha256} (${r.deployedLength} bytes, last deployed or upgraded at slot ${r.lastUpgradeSlot})`,
    `local build sha256 ${r.localSha256} (${r.localLength} bytes, ${r.localPath})`,
    r.match ? "match: the deployed bytecode is this build" : "MISMATCH: the deployed bytecode is not this build",
    `upgrade authority  ${r.upgradeAuthorityInWords}`,
  ].join("\n");
}

const soOption = () => new Option("--so <path>", "the program binary").default(REGISTRY_SO_PATH);
const bufferOption = () =>
  new Option("--buffer <address>", "resume writing into this buffer (printed when it was created)");

export function registerProgramCode(program: Command, action: Action): void {
  const code = program
    .command("program")
    .description("the registry program's code: verify what is deployed, write a buffer, deploy or upgrade");

  code
    .command("verify")
    .description("compare the deployed bytecode with a local build, and say who can change it")
    .addOption(soOption())
    .addHelpText(
      "after",
      "\nReads the program's ProgramData account (--url, --program-id), takes the deployed ELF without the\n" +
        "loader's zero padding, and compares its SHA-256 with the local build's (`npm run build`; the README\n" +
        "states the hash of the committed source's build). The upgrade authority is reported as held by the\n" +
        'registry council (PDA ["upgrade_authority"] of the program), held by a key, or immutable.\n' +
        "Exit code: 0 on a match, 1 on a mismatch or when the program cannot be read.",
    )
    .action(
      action(async (ctx, opts: { so: string }) => {
        const report = await verify(ctx, opts.so);
        ctx.print(report, () => formatVerify(report));
        // A mismatch is an answer, not an error: no "error:" line, just the exit code.
        if (!report.match) throw new CommanderError(1, "lume.program.mismatch", "the deployed bytecode differs");
      }),
    );

  code
    .command("handover")
    .description('hand the program\'s upgrade authority to the registry council (the PDA ["upgrade_authority"])')
    .addHelpText(
      "after",
      "\nSigned by the program's current upgrade authority (--keypair), after the registry is initialized.\n" +
        "The registry program calls the loader's SetAuthorityChecked, signing as the new authority; the\n" +
        "handover is recorded in the registry's history. From then on only an executed council proposal\n" +
        "changes the code (`lume propose upgrade-program`) or the authority (`lume propose set-upgrade-authority`).\n" +
        "Final for the deployer's key: check with `lume program verify` afterwards.",
    )
    .action(
      action(async (ctx) => {
        const report = await handover(ctx);
        ctx.print(report, () =>
          [
            `handed over: the upgrade authority of ${report.programId} is now the registry council (${report.upgradeAuthority})`,
            `  signature ${report.signature}`,
            "  next: `lume program verify` reports it as held by the registry council",
          ].join("\n"),
        );
      }),
    );

  registerProgramDeploy(code, action);
}

/** The loader's SetAuthority on the buffer: from the wallet to the council's PDA. */
async function handBufferToCouncil(ctx: CliContext, buffer: PublicKey): Promise<string> {
  const pda = councilUpgradeAuthority(ctx.programId);
  await ctx.send(`hand buffer ${buffer.toBase58()} to the registry council`, () =>
    ctx.program.provider.sendAndConfirm!(
      new Transaction().add(setBufferAuthority({ buffer, authority: ctx.wallet.publicKey, newAuthority: pda })),
    ),
  );
  return pda.toBase58();
}

/** Sends `handover_upgrade_authority`; refuses up front when the wallet is not the authority. */
async function handover(ctx: CliContext) {
  const deployed = await deployedProgram(ctx);
  const pda = councilUpgradeAuthority(ctx.programId);
  if (deployed.upgradeAuthority === null)
    throw new UserError("the program is immutable: there is nothing to hand over");
  if (deployed.upgradeAuthority.equals(pda))
    throw new UserError("the registry council already holds the upgrade authority");
  if (!deployed.upgradeAuthority.equals(ctx.wallet.publicKey))
    throw new UserError(
      `the upgrade authority is ${deployed.upgradeAuthority.toBase58()}, not the wallet ${ctx.wallet.publicKey.toBase58()}: sign with that key (--keypair)`,
    );
  const signature = await ctx.send("hand the upgrade authority to the registry council", () =>
    ctx.program.methods
      .handoverUpgradeAuthority()
      .accountsStrict(handoverAccounts(ctx.wallet.publicKey, ctx.programId))
      .rpc(),
  );
  return { programId: ctx.programId.toBase58(), upgradeAuthority: pda.toBase58(), signature };
}

const SOLANA_CLI_EQUIVALENTS =
  "\n\nWith the Solana CLI: `solana program write-buffer <so>`, `solana program deploy <so> --program-id <keypair>`\n" +
  "(new) or `solana program deploy <so> --program-id <address> --buffer <address>` (upgrade).";

/** A command that writes a build into a buffer: --so, --buffer (to resume), and `help` after its options. */
function bufferWritingCommand(code: Command, name: string, description: string, help: string): Command {
  return code
    .command(name)
    .description(description)
    .addOption(soOption())
    .addOption(bufferOption())
    .addHelpText("after", help + SOLANA_CLI_EQUIVALENTS);
}

/** The options of a command made by `bufferWritingCommand`. */
interface BufferWritingOptions {
  so: string;
  buffer?: string;
}

/** The buffer to resume writing into (--buffer), if given. */
function resumedBuffer(opts: BufferWritingOptions): PublicKey | undefined {
  return opts.buffer === undefined ? undefined : pubkeyArg("--buffer", opts.buffer);
}

export function registerProgramDeploy(code: Command, action: Action): void {
  bufferWritingCommand(
    code,
    "write-buffer",
    "write a build into an upgradeable-loader buffer (for an upgrade proposal, or deploy --buffer)",
    "\nThe wallet (--keypair) pays for the buffer and is its authority. The .so is written in chunks of\n" +
      "900 bytes, a few at a time; a failed chunk is retried with backoff (--retries). If the run stops,\n" +
      "run it again with --buffer <address>: the chunks already there are skipped.",
  )
    .option(
      "--council-authority",
      "then hand the buffer to the registry council's PDA, as an upgrade by proposal needs (`lume propose upgrade-program`)",
    )
    .action(
      action(async (ctx, opts: BufferWritingOptions & { councilAuthority?: true }) => {
        const elf = readProgramBinary(opts.so);
        const resume = resumedBuffer(opts);
        const report = await writeBufferCommand(ctx, elf, resume, Keypair.generate);
        const council = opts.councilAuthority === true ? await handBufferToCouncil(ctx, report.buffer) : null;
        const sha256 = sha256Hex(elf);
        ctx.print({ ...report, sha256, bufferAuthority: council ?? ctx.wallet.publicKey.toBase58() }, () =>
          [
            `buffer  ${report.buffer.toBase58()}`,
            `wrote   ${report.bytes} bytes (${report.written} of ${report.chunks} chunks now, the rest were there)`,
            `sha256  ${sha256}`,
            council === null
              ? `authority ${ctx.wallet.publicKey.toBase58()} (the wallet)`
              : `authority ${council} (the registry council): next \`lume propose upgrade-program --buffer ${report.buffer.toBase58()} --buffer-sha256 ${sha256}\``,
          ].join("\n"),
        );
      }),
    );

  bufferWritingCommand(
    code,
    "deploy",
    "deploy a new program, or upgrade one, from a build (written into a buffer first)",
    "\nWithout --program-keypair, upgrades the program at --program-id (the IDL's by default); the wallet\n" +
      "(--keypair) must be its upgrade authority. With it, deploys a new program with the wallet as upgrade\n" +
      "authority (or upgrades it, if it exists). Prints the program id and its ProgramData account.\n" +
      "An upgrade needs ProgramData to have room for the new build (see --max-len).",
  )
    .option("--program-keypair <path>", "a new program's keypair (its address becomes the program id)")
    .option("--max-len <bytes>", "room in ProgramData for later upgrades (new programs; default twice the .so)")
    .action(
      action(async (ctx, opts: BufferWritingOptions & { programKeypair?: string; maxLen?: string }) => {
        const elf = readProgramBinary(opts.so);
        const program =
          opts.programKeypair === undefined ? ctx.programId : keypairArg("--program-keypair", opts.programKeypair);
        const maxLen =
          opts.maxLen === undefined ? undefined : intArg("--max-len", opts.maxLen, elf.length, 10 * 1024 * 1024);
        const resume = resumedBuffer(opts);
        await checkUpgradeCommand(ctx, "secretKey" in program ? program.publicKey : program, elf.length);
        const written = await writeBufferCommand(ctx, elf, resume, Keypair.generate);
        const result = await deployCommand(ctx, written.buffer, program, maxLen);
        ctx.print({ ...result, buffer: written.buffer, bytes: elf.length }, () =>
          [
            `${result.upgraded ? "upgraded" : "deployed"}  ${result.programId.toBase58()}`,
            `ProgramData ${result.programData.toBase58()}`,
            `transaction ${result.signature}`,
          ].join("\n"),
        );
      }),
    );
}
