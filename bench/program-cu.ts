/**
 * Compute units of every registry instruction, and the binary size, measured by running
 * the real bytecode through one full lifecycle in both runtimes (solana-bankrun: Solana
 * 1.18; litesvm: Agave 4.3). CU are deterministic: they are reported exactly, with the
 * budgets beside them (every instruction < 6,000; approve < 2,500; binary < 100 KB). Every
 * instruction emits its event through a self-CPI (issue 10), about 900 CU of each figure.
 *
 *   npm run bench:program            # prints the table, writes bench/results/program-cu.json
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import anchor from "@coral-xyz/anchor";
import { Keypair } from "@solana/web3.js";
import { councilUpgradeAuthority } from "../app/src/sdk/deployed-program.js";
import { eventCpiAccounts } from "../app/src/sdk/events.js";
import {
  bufferProgramSha256,
  setUpgradeAuthorityRemaining,
  upgradeProgramRemaining,
} from "../app/src/sdk/program-governance.js";
import { BPF_LOADER_UPGRADEABLE_ID, rentExemptLamports } from "../harness/loader.js";
import { PROGRAM_ID, PROGRAM_SO_PATH, registryProgramSpec } from "../harness/program.js";
import { addresses, DEFAULT_ENDPOINT, RegistryFixture } from "../harness/registry-fixture.js";
import { RUNTIME_KINDS, startRuntime } from "../harness/runtimes.js";
import type { RuntimeKind, TxResult } from "../harness/types.js";
import { buildSecondVersion } from "../harness/upgrade-build.js";

const { BN } = anchor;
const BUDGET = 6_000;
const APPROVE_BUDGET = 2_500;
const BINARY_BUDGET = 100 * 1024;
const secondBuild = buildSecondVersion();
// Instructions that invoke the upgradeable loader carry its cost on top of the registry's.
const LOADER_CPI: Record<string, true> = {
  handover_upgrade_authority: true,
  "execute: SetUpgradeAuthority (immutable)": true,
};
const LOADER_BUDGET = 8_000;
// Hashing the whole buffer dominates; a 100 KB build hashes in about 50,000 CU.
const UPGRADE_BUDGET = 80_000;

type Figures = Record<string, number>;

async function measure(kind: RuntimeKind): Promise<Figures> {
  const upgradeAuthority = Keypair.generate();
  const rt = await startRuntime(kind, {
    programs: [{ ...registryProgramSpec(upgradeAuthority.publicKey), maxDataLen: 2 * secondBuild.length }],
  });
  const figures: Figures = {};
  const record = (name: string, result: TxResult): void => {
    if (!result.ok) throw new Error(`${name} failed in ${kind}: ${result.err?.description}\n${result.logs.join("\n")}`);
    figures[name] = result.computeUnits;
  };

  const f = await RegistryFixture.create(rt, upgradeAuthority);
  figures.initialize_registry = rt.lastComputeUnits() ?? 0;

  const legal = await f.grantRole("legalVerifier");
  figures["execute: GrantRole"] = rt.lastComputeUnits() ?? 0;
  const technical = await f.grantRole("technicalAuditor");
  const auditor = await f.grantRole("auditor");
  const guardian = await f.grantRole("guardian");

  const authority = await f.newSigner();
  record("apply", await f.send(f.applyTx(authority.publicKey, 0), [authority]));
  const partner = { id: 0, address: addresses.partner(0), authority };
  record("declare_endpoint", await f.declareEndpoint(partner));
  record("attest_legal", await f.attest("legal", partner.address, legal));
  record("attest_technical", await f.attest("technical", partner.address, technical));

  const { result: proposed, id } = await f.propose(
    f.council[0]!,
    { approvePartner: { endpointSetVersion: 1 } },
    partner.address,
  );
  record("propose (ApprovePartner)", proposed);
  record("approve", await f.vote("approve", f.council[0]!, id));
  record("approve (reaching threshold)", await f.vote("approve", f.council[1]!, id));
  await f.warp(f.options.timeLockSeconds);
  record("execute: ApprovePartner", await f.execute(id, [partner.address]));

  const endpoint = DEFAULT_ENDPOINT("edge-2.partner.example");
  record(
    "execute: AddEndpoint",
    await f.pass({ addEndpoint: { ...endpoint } }, partner.address, [
      partner.address,
      addresses.endpoint(partner.address, 1),
    ]),
  );
  // The endpoint added after admission is pending audit until a technical auditor attests the set.
  record("attest_technical (changed endpoint set)", await f.attest("technical", partner.address, technical));
  const keyPair = Keypair.generate();
  const clock = await rt.getClock();
  const issueKey = (replaces: number | null, key: Keypair) => ({
    issueKey: {
      publicKey: Array.from(key.publicKey.toBuffer()),
      endpoints: [0],
      validFrom: new BN(clock.unixTimestamp.toString()),
      validUntil: new BN((clock.unixTimestamp + 365n * 86_400n).toString()),
      replaces,
    },
  });
  record(
    "execute: IssueKey",
    await f.pass(issueKey(null, keyPair), partner.address, [partner.address, addresses.key(partner.address, 0)]),
  );
  record(
    "execute: IssueKey (rotation)",
    await f.pass(issueKey(0, Keypair.generate()), partner.address, [
      partner.address,
      addresses.key(partner.address, 1),
      addresses.key(partner.address, 0),
    ]),
  );
  record(
    "execute: RevokeKey",
    await f.pass({ revokeKey: { index: 0, reason: { compromised: {} } } }, partner.address, [
      partner.address,
      addresses.key(partner.address, 0),
    ]),
  );
  record(
    "record_review",
    await f.send(
      f.program.methods
        .recordReview({ passed: {} }, Array.from(Buffer.alloc(32, 1)), "https://audit.example/r1")
        .accountsStrict({
          ...eventCpiAccounts(f.program.programId),
          registry: addresses.registry(),
          partner: partner.address,
          auditor: auditor.publicKey,
          roleGrant: addresses.role("auditor", auditor.publicKey),
        })
        .transaction(),
      [auditor],
    ),
  );
  record(
    "guardian_suspend",
    await f.send(
      f.program.methods
        .guardianSuspend("traffic to undeclared hosts")
        .accountsStrict({
          ...eventCpiAccounts(f.program.programId),
          registry: addresses.registry(),
          partner: partner.address,
          guardian: guardian.publicKey,
          roleGrant: addresses.role("guardian", guardian.publicKey),
        })
        .transaction(),
      [guardian],
    ),
  );
  record(
    "execute: SuspendPartner (ratify)",
    await f.pass({ suspendPartner: { reason: "ratified" } }, partner.address, [partner.address]),
  );
  record("execute: ReinstatePartner", await f.pass({ reinstatePartner: {} }, partner.address, [partner.address]));
  record("execute: AddCategory", await f.pass({ addCategory: { name: "dns-resolve" } }, null, []));
  record(
    "execute: SetCouncil",
    await f.pass({ setCouncil: { members: f.council.map((k) => k.publicKey), threshold: 2 } }, null, []),
  );
  const reverify = (legal: boolean, technical: boolean, deadline: number) => ({
    requireReverification: { legal, technical, reason: "deviation reports", deadline: new BN(deadline) },
  });
  record(
    "execute: RequireReverification",
    await f.pass(reverify(true, true, (await f.now()) + 30 * 86_400), partner.address, [partner.address]),
  );
  record("attest_legal (re-verification)", await f.attest("legal", partner.address, legal));
  record("attest_technical (last pending check: 2 events)", await f.attest("technical", partner.address, technical));
  // Deviation reports from distinct reporting nodes; the threshold's report also requires a
  // technical re-verification (the partner goes under audit), which an audit then clears.
  const { deviationThreshold } = (await f.registry()).policy;
  for (let i = 1; i <= deviationThreshold; i++) {
    const { result } = await f.reportDeviation(await f.grantRole("reportingNode"), partner.address, 0, 900);
    if (i === 1) record("report_deviation", result);
    else if (i === deviationThreshold) record("report_deviation (reaching the threshold)", result);
    else f.assertOk(result, "report_deviation");
  }
  f.assertOk(await f.attest("technical", partner.address, technical), "the technical audit the threshold required");
  const timeLock = (await f.registry()).timeLockSeconds;
  f.assertOk(
    await f.pass(reverify(false, true, (await f.now()) + timeLock + 60), partner.address, [partner.address]),
    "require a technical re-verification",
  );
  await f.warp(120);
  record(
    "mark_review_overdue (re-verification deadline)",
    await f.send(
      f.program.methods
        .markReviewOverdue()
        .accountsStrict({
          ...eventCpiAccounts(f.program.programId),
          registry: addresses.registry(),
          partner: partner.address,
          caller: auditor.publicKey,
        })
        .transaction(),
      [auditor],
    ),
  );

  // Issue 14: the program's code under the council. The loader's own work is part of each figure
  // (SetAuthorityChecked / SetAuthority / Upgrade), and UpgradeProgram hashes the whole buffer
  // (sol_sha256: about half a CU per byte of the build).
  record("handover_upgrade_authority", await f.handover());
  const pda = councilUpgradeAuthority(PROGRAM_ID);
  const buffer = Keypair.generate().publicKey;
  const header = Buffer.alloc(37);
  header.writeUInt32LE(1, 0);
  header[4] = 1;
  pda.toBuffer().copy(header, 5);
  const bufferData = Buffer.concat([header, secondBuild]);
  await rt.setAccount(buffer, {
    lamports: rentExemptLamports(bufferData.length),
    owner: BPF_LOADER_UPGRADEABLE_ID,
    data: bufferData,
    executable: false,
  });
  const upgradeId = await f.approved({
    upgradeProgram: { buffer, bufferSha256: Array.from(bufferProgramSha256(bufferData)) },
  });
  record(
    "execute: UpgradeProgram",
    await f.send(
      f.executeTx(upgradeId, f.council[0]!.publicKey, []).then((tx) => {
        tx.instructions[0]!.keys.push(...upgradeProgramRemaining(buffer, f.council[0]!.publicKey));
        return tx;
      }),
      [f.council[0]!],
    ),
  );
  // The upgraded code is invocable from the next slot on.
  await rt.setClock({ slot: (await rt.getClock()).slot + 1n });
  const immutableId = await f.approved({ setUpgradeAuthority: { newAuthority: null } });
  record(
    "execute: SetUpgradeAuthority (immutable)",
    await f.send(
      f.executeTx(immutableId, f.council[0]!.publicKey, []).then((tx) => {
        tx.instructions[0]!.keys.push(...setUpgradeAuthorityRemaining(null));
        return tx;
      }),
      [f.council[0]!],
    ),
  );
  return figures;
}

const results: Record<string, Figures> = {};
for (const kind of RUNTIME_KINDS) results[kind] = await measure(kind);
const binaryBytes = statSync(PROGRAM_SO_PATH).size;

const names = Object.keys(results.bankrun ?? {});
const lines = [
  "| instruction | bankrun (1.18) | litesvm (Agave 4.3) | budget |",
  "|---|---:|---:|---:|",
  ...names.map((name) => {
    const budget = name.startsWith("approve")
      ? APPROVE_BUDGET
      : name === "execute: UpgradeProgram"
        ? UPGRADE_BUDGET
        : name in LOADER_CPI
          ? LOADER_BUDGET
          : BUDGET;
    const cells = RUNTIME_KINDS.map((k) => {
      const cu = results[k]?.[name] ?? 0;
      return `${cu.toLocaleString("en-US")}${cu > budget ? " ⚠" : ""}`;
    });
    return `| ${name} | ${cells.join(" | ")} | < ${budget.toLocaleString("en-US")} |`;
  }),
  `| binary size | ${binaryBytes.toLocaleString("en-US")} bytes |  | < ${BINARY_BUDGET.toLocaleString("en-US")}${binaryBytes > BINARY_BUDGET ? " ⚠" : ""} |`,
];
console.log(lines.join("\n"));
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/program-cu.json", `${JSON.stringify({ binaryBytes, computeUnits: results }, null, 2)}\n`);
