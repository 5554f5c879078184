// `program { ... }`: who can change the registry program's code and which bytecode runs, read
// live from the program's ProgramData over the indexer's RPC (not from the index: ProgramData
// changes without a registry event). Answers are shared for a moment so a dashboard polling
// many times a second costs one RPC read.
import { Connection } from "@solana/web3.js";
import { GraphQLError } from "graphql";
import {
  type DeployedProgram,
  ProgramNotDeployedError,
  readDeployedProgram,
  upgradeAuthorityHolder,
} from "../../../app/src/sdk/deployed-program.js";
import type { Indexer } from "../indexer.js";

const FRESH_FOR_MS = 2_000;

export function programView(program: DeployedProgram) {
  return {
    programId: program.programId.toBase58(),
    programData: program.programData.toBase58(),
    upgradeAuthority: program.upgradeAuthority?.toBase58() ?? null,
    upgradeAuthorityHolder: upgradeAuthorityHolder(program),
    authorityIsCouncil: program.authorityIsCouncil,
    executableSha256: program.executableSha256,
    executableLength: program.executableLength,
    lastUpgradeSlot: Number(program.lastUpgradeSlot),
  };
}

export type ProgramView = ReturnType<typeof programView>;

/** One reader per GraphQL server: a Connection to the indexer's RPC and the last answer. */
export function programFacts(): (indexer: Indexer) => Promise<ProgramView | null> {
  let connection: Connection | undefined;
  let last: { at: number; answer: Promise<ProgramView | null> } | undefined;
  return (indexer) => {
    if (last !== undefined && Date.now() - last.at < FRESH_FOR_MS) return last.answer;
    connection ??= new Connection(indexer.options.rpcUrl, "confirmed");
    const answer = readDeployedProgram(connection, indexer.programId).then(programView, (err: unknown) => {
      if (err instanceof ProgramNotDeployedError) return null;
      last = undefined; // a failed read is not kept: the next query tries again
      throw new GraphQLError(`cannot read the program's ProgramData over RPC: ${(err as Error).message}`, {
        extensions: { code: "CHAIN_UNAVAILABLE" },
      });
    });
    last = { at: Date.now(), answer };
    return answer;
  };
}
