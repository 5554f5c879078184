// `lume program ...`: the registry program's own code. `verify` compares the deployed bytecode
// with a local build and says who can change it.
import { existsSync, readFileSync } from "node:fs";
import { type Command, CommanderError } from "commander";
import { REGISTRY_SO_PATH } from "../../localnet/registry-localnet.js";
import {
  describeUpgradeAuthority,
  elfLength,
  ProgramNotDeployedError,
  readDeployedProgram,
  sha256Hex,
  upgradeAuthorityHolder,
} from "../../sdk/deployed-program.js";
import { expandHome } from "../../sdk/keypair-file.js";
import { UserError } from "../user-error.js";
import type { CliContext } from "./context.js";
import type { Action } from "./runner.js";

/** The local build's bytes, with a clear error when it is missing or not an ELF. */
function readLocalBuild(path: string): Buffer {
  const file = expandHome(path);
  if (!existsSync(file)) throw new UserError(`${path} does not exist: run \`npm run build\` first (or pass --so)`);
  const bytes = readFileSync(file);
  try {
    elfLength(bytes);
  } catch (err) {
    throw new UserError(`${path} is not a program binary: ${(err as Error).message}`);
  }
  return bytes;
}

async function verify(ctx: CliContext, soPath: string) {
  const local = readLocalBuild(soPath);
  const deployed = await ctx.read("read the program's ProgramData", async () => {
    try {
      return await readDeployedProgram(ctx.connection, ctx.programId);
    } catch (err) {
      if (err instanceof ProgramNotDeployedError) throw new UserError(err.message);
      throw err;
    }
  });
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

export function registerProgramCode(program: Command, action: Action): void {
  const code = program.command("program").description("the registry program's code: verify what is deployed");

  code
    .command("verify")
    .description("compare the deployed bytecode with a local build, and say who can change it")
    .option("--so <path>", "the local build to compare with", REGISTRY_SO_PATH)
    .addHelpText(
      "after",
      "\nReads the program's ProgramData account (--url, --program-id), takes the deployed ELF without the\n" +
        "loader's zero padding, and compares its SHA-256 with the local build's (`npm run build`; the README\n" +
        "states the hash of the committed source's build). The upgrade authority is reported as held by the\n" +
        'registry council (PDA ["upgrade_authority"] of the program), held by a key, or immutable.\n' +
        "Exit code: 0 on a match, 1 on a mismatch or when the program cannot be read.",
    )
    .action(
      action(async (ctx, opts) => {
        const report = await verify(ctx, opts.so as string);
        ctx.print(report, () => formatVerify(report));
        // A mismatch is an answer, not an error: no "error:" line, just the exit code.
        if (!report.match) throw new CommanderError(1, "lume.program.mismatch", "the deployed bytecode differs");
      }),
    );
}
