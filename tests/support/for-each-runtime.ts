// Runs one mocha describe body against every selected runtime, each with a fresh instance.
import type { Keypair } from "@solana/web3.js";
import type { HistoryReplay } from "../../harness/history.js";
import { reportsEvents } from "../../harness/history.js";
import { registryProgramSpec } from "../../harness/program.js";
import { type RegistryFixture, useReplayedRegistry } from "../../harness/registry-fixture.js";
import { type StartOptions, selectedRuntimeKinds, startRuntime } from "../../harness/runtimes.js";
import type { RuntimeKind, TestRuntime } from "../../harness/types.js";

/** Handed to the describe body; `rt` is valid inside hooks and tests, not while defining them. */
export interface RuntimeHandle {
  readonly kind: RuntimeKind;
  readonly rt: TestRuntime;
}

export interface ForEachRuntimeOptions {
  /** "suite": one runtime per describe (default); "test": a fresh one before each test. */
  fresh?: "suite" | "test";
  /**
   * The suite reads the registry's events, which travel in inner instructions: it runs only on
   * runtimes that report them (litesvm; solana-bankrun 0.4.0 reports none).
   */
  readsEvents?: boolean;
}

export function forEachRuntime(
  title: string,
  body: (handle: RuntimeHandle) => void,
  startOptions: StartOptions | (() => StartOptions) = {},
  { fresh = "suite", readsEvents = false }: ForEachRuntimeOptions = {},
): void {
  for (const kind of selectedRuntimeKinds().filter((k) => !readsEvents || reportsEvents(k))) {
    describe(`${title} [${kind}]`, () => {
      let current: TestRuntime | undefined;
      const handle: RuntimeHandle = {
        kind,
        get rt(): TestRuntime {
          if (current === undefined) throw new Error("runtime used before its before-hook ran");
          return current;
        },
      };
      const boot = async (): Promise<void> => {
        current = await startRuntime(kind, typeof startOptions === "function" ? startOptions() : startOptions);
      };
      if (fresh === "test") beforeEach(boot);
      else before(boot);
      after(() => {
        current = undefined;
      });
      body(handle);
    });
  }
}

/** `forEachRuntime`'s start options for a runtime with the registry program, upgradeable by `upgradeAuthority`. */
export function registryPrograms(upgradeAuthority: Keypair): () => StartOptions {
  return () => ({ programs: [registryProgramSpec(upgradeAuthority.publicKey)] });
}

/**
 * `forEachRuntime` on the runtimes that report events, each with a registry (`useReplayedRegistry`, upgradeable
 * by `upgradeAuthority`) whose history head must equal the replay of its events after every passing test.
 */
export function forEachReplayedRegistry(
  title: string,
  body: (registry: { f: RegistryFixture; history: HistoryReplay }) => void,
  upgradeAuthority: Keypair,
): void {
  forEachRuntime(
    title,
    (handle) => body(useReplayedRegistry(handle, upgradeAuthority)),
    registryPrograms(upgradeAuthority),
    { readsEvents: true },
  );
}
