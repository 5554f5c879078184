// Model-based random testing: fast-check generates command sequences over a small pool of
// actors; each command runs against the bytecode and against `RegistryModel`
// (tests/support/registry-model.ts, driven by tests/support/model-fuzz.ts). After every step:
// same outcome (ok / exact error code), decoded accounts equal the model, and invariants hold.
// CI: the regression sequences and a seed-pinned short run. Long run in parallel workers:
// `npm run fuzz:program` (tests/program/fuzz-long.ts; see harness/README.md).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { COMMITTED_IDL_PATH } from "../../harness/program.js";
import { selectedRuntimeKinds } from "../../harness/runtimes.js";
import {
  ACTION_KINDS,
  COMMAND_INSTRUCTIONS,
  type Command,
  commandArb,
  FUZZ_SEED,
  idlActionName,
  runCommands,
} from "../support/model-fuzz.js";

/**
 * Steps of the seed-pinned CI run on litesvm (issue 18 asks for at least 10,000): 3 to 5 minutes
 * on a shared 2-core machine, well inside CI's budget (docs/reliability.md).
 */
const CI_STEPS = Number(process.env.LUME_FUZZ_CI_STEPS ?? 10_000);

/**
 * IDL instructions and proposal actions the fuzzer does not generate, each with why. A new
 * instruction or action fails the test below until it gets a generator (and model rules) or a
 * line here.
 */
const NOT_GENERATED: Record<string, string> = {
  initialize_registry: "runs once, in every run's set-up (RegistryFixture); its refusals: initialize_registry.test.ts",
  report_deviation: "not generated yet: no model of deviation reports (monitoring.test.ts covers it)",
  SetTrafficModel: "not generated yet: no model rule (governance-actions.test.ts covers it)",
  AddCategory: "not generated yet: no model of the category table (governance-actions.test.ts covers it)",
  RenameCategory: "not generated yet: no model of the category table (governance-actions.test.ts covers it)",
  SetPolicy: "not generated yet: the model's timings are fixed per run (governance-actions.test.ts covers it)",
  handover_upgrade_authority:
    "changes the program's code authority, not the registry the model describes (program-upgrade.test.ts covers it)",
  report_version: "changes nothing and reads nothing (program-upgrade.test.ts runs it)",
  UpgradeProgram: "replaces the program under test; needs a second build (program-upgrade.test.ts covers it)",
  SetUpgradeAuthority: "would leave later steps without an upgrade authority (program-upgrade.test.ts covers it)",
};

describe("model-based fuzzing: generators", () => {
  it("every instruction and proposal action of the IDL has a generator or a stated reason", () => {
    const idl = JSON.parse(readFileSync(COMMITTED_IDL_PATH, "utf8")) as {
      instructions: { name: string }[];
      types: { name: string; type: { variants?: { name: string }[] } }[];
    };
    const generated = new Set<string>([
      ...Object.values(COMMAND_INSTRUCTIONS).flat(),
      ...ACTION_KINDS.map(idlActionName),
    ]);
    const actions = idl.types.find((t) => t.name === "ProposalAction")?.type.variants ?? [];
    assert.ok(actions.length > 0, "the IDL names its ProposalAction variants");
    const names = [...idl.instructions.map((i) => i.name), ...actions.map((a) => a.name)];
    const missing = names.filter((name) => !generated.has(name) && NOT_GENERATED[name] === undefined);
    assert.deepEqual(missing, [], "instructions / actions with no generator in tests/support/model-fuzz.ts");
    // And no stale entries: everything listed or generated still exists in the IDL.
    const stale = [...generated, ...Object.keys(NOT_GENERATED)].filter((name) => !names.includes(name));
    assert.deepEqual(stale, [], "generators or exemptions for names the IDL no longer has");
  });
});

/** Regression sequences (failing seeds found by the fuzzer, shrunk), replayed first. */
const REGRESSIONS: { title: string; commands: Command[] }[] = [
  {
    // Seed 20261125 (long run): declare_endpoint succeeded for an applicant the council had
    // revoked (fixed: WrongPartnerStatus, as AddEndpoint already did). Shrunk by hand.
    title: "a revoked applicant can neither declare endpoints nor be attested",
    commands: [
      { k: "apply", a: 0 },
      { k: "attest", legal: true, p: 0, who: 0 },
      { k: "pass", p: 0, act: 7, x: 0 },
      { k: "declare", p: 0, own: true, cat: 0 },
      { k: "attest", legal: false, p: 0, who: 0 },
      { k: "attest", legal: true, p: 0, who: 0 },
    ],
  },
];

/**
 * Scripted sequences through states random ones reach rarely in a short run (checked with every
 * invariant after each step, as generated ones are).
 */
const SCENARIOS: { title: string; commands: Command[] }[] = [
  {
    // Issue 17: an endpoint added after admission is pending audit (the verifier invariant
    // refuses requests to it) until a technical attestation; a re-verification's deadline passes,
    // the crank marks the partner overdue, and the council's new deadline lets it be attested.
    title: "re-verification: endpoint pending audit, deadline passed, overdue, new deadline, attested",
    commands: [
      { k: "apply", a: 0 },
      { k: "admit", p: 0 },
      { k: "pass", p: 0, act: 1, x: 1 },
      { k: "pass", p: 0, act: 13, x: 3 },
      { k: "attest", legal: true, p: 0, who: 0 },
      { k: "attest", legal: true, p: 0, who: 0 },
      { k: "overdue", p: 0 },
      { k: "warp", s: 6 },
      { k: "attest", legal: false, p: 0, who: 0 },
      { k: "overdue", p: 0 },
      { k: "review", p: 0, who: 0, outcome: 0 },
      { k: "pass", p: 0, act: 13, x: 2 },
      { k: "attest", legal: false, p: 0, who: 2 },
      { k: "attest", legal: false, p: 0, who: 0 },
    ],
  },
];

for (const kind of selectedRuntimeKinds()) {
  describe(`model-based fuzzing [${kind}]`, () => {
    for (const regression of REGRESSIONS) {
      it(`regression: ${regression.title}`, async () => {
        await runCommands(kind, regression.commands);
      });
    }
    for (const scenario of SCENARIOS) {
      it(`scenario: ${scenario.title}`, async () => {
        await runCommands(kind, scenario.commands);
      });
    }

    if (kind === "litesvm") {
      // The CI's seed-pinned run, on the runtime that also checks the history replay: sequences
      // of up to 40 commands until CI_STEPS primitive steps are done.
      it(`seed-pinned: ${CI_STEPS} steps agree with the model`, async function () {
        this.timeout(1_200_000);
        let steps = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(commandArb, { maxLength: 40 }), async (commands) => {
            if (steps < CI_STEPS) steps += await runCommands(kind, commands);
          }),
          // Sequences of 20 steps on average: this many runs always reach CI_STEPS.
          { seed: FUZZ_SEED, numRuns: CI_STEPS },
        );
        assert.ok(steps >= CI_STEPS, `only ${steps} steps ran`);
      });
      return;
    }
    it("30 seed-pinned runs of up to 40 steps agree with the model", async function () {
      this.timeout(120_000);
      await fc.assert(
        fc.asyncProperty(fc.array(commandArb, { maxLength: 40 }), async (commands) => {
          await runCommands(kind, commands);
        }),
        { seed: FUZZ_SEED, numRuns: 30 },
      );
    });
  });
}
