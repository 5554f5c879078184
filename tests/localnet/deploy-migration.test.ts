// migrations/deploy.ts, run as a person runs it, against a private surfnet: it initializes
// the registry once, and every later run prints the registry and changes nothing.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { councilUpgradeAuthority } from "../../app/src/sdk/deployed-program.js";
import { writeKeypairFile } from "../../app/src/sdk/keypair-file.js";
import { programDataAddress, registryAddress } from "../../app/src/sdk/pda.js";
import { decodeProgramData } from "../../app/src/sdk/program-data.js";
import { PROGRAM_ID } from "../../harness/program.js";
import { useRegistrySurfnet } from "../../harness/surfnet.js";
import type { EnsureRegistryResult } from "../../migrations/initialize-registry.js";
import { loadRegistryConfig, registryConfigToJson } from "../../migrations/registry-config.js";
import { runScript, type ScriptResult } from "../support/scripts.js";

const DEPLOY = "migrations/deploy.ts";
const CONFIG = "migrations/config/localnet.json";

function jsonResult(run: ScriptResult): EnsureRegistryResult {
  assert.equal(run.code, 0, `exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout.trim()) as EnsureRegistryResult;
}

describe("migrations/deploy.ts (surfnet)", function () {
  this.timeout(120_000);
  const net = useRegistrySurfnet();
  // The surfnet's PubSub port is not its RPC port + 1, so it is passed explicitly.
  const endpoints = () => ["--url", net.surfnet.rpcUrl, "--ws-url", net.surfnet.wsUrl];
  let dir: string;
  let authorityPath: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "lume-deploy-"));
    authorityPath = join(dir, "authority.json");
    writeKeypairFile(authorityPath, net.upgradeAuthority);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("names every bad config field and touches nothing", async () => {
    const bad = join(dir, "bad.json");
    const good = registryConfigToJson(loadRegistryConfig(CONFIG)) as Record<string, unknown>;
    writeFileSync(bad, JSON.stringify({ ...good, threshold: 0, categories: ["b", "a"], tresholds: 1 }));
    const run = await runScript(DEPLOY, [...endpoints(), "--wallet", authorityPath, "--config", bad]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /bad\.json is not a valid registry config/);
    assert.match(run.stderr, /threshold: must be at least 1/);
    assert.match(run.stderr, /categories\[1\]: "a" must come after "b"/);
    assert.match(run.stderr, /unknown field "tresholds"/);
    assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/, "a config error prints no stack");
    assert.equal(await net.connection.getAccountInfo(registryAddress()), null);
  });

  it("refuses a wallet that is not the upgrade authority, saying which key is", async () => {
    const other = join(dir, "other.json");
    const keypair = net.fundedKeypair();
    writeKeypairFile(other, keypair);
    const run = await runScript(DEPLOY, [...endpoints(), "--wallet", other, "--config", CONFIG]);
    assert.equal(run.code, 1, run.stdout);
    assert.match(
      run.stderr,
      new RegExp(
        `the wallet is ${keypair.publicKey.toBase58()}, the upgrade authority is ${net.upgradeAuthority.publicKey.toBase58()}`,
      ),
    );
    assert.equal(await net.connection.getAccountInfo(registryAddress()), null);
  });

  it("initializes the registry on the first run and leaves it alone on the second", async () => {
    const args = [...endpoints(), "--wallet", authorityPath, "--config", CONFIG, "--json"];
    const first = jsonResult(await runScript(DEPLOY, args));
    assert.equal(first.status, "initialized");
    const config = loadRegistryConfig(CONFIG);
    assert.deepEqual(first.registry.council, config.council.map(String));
    assert.equal(first.registry.threshold, config.threshold);
    assert.deepEqual(first.registry.categories, config.categories);
    assert.equal(first.registry.initializedBy, net.upgradeAuthority.publicKey.toBase58());
    const before = await net.connection.getAccountInfo(registryAddress());

    const second = jsonResult(await runScript(DEPLOY, args));
    assert.equal(second.status, "already-initialized");
    assert.deepEqual(second.registry, first.registry);
    const after = await net.connection.getAccountInfo(registryAddress());
    assert.deepEqual(after?.data, before?.data);
    assert.equal(
      (await net.connection.getSignaturesForAddress(registryAddress())).length,
      1,
      "a second transaction was sent",
    );
  });

  it("says so in words when the registry exists (exit 0)", async () => {
    const run = await runScript(DEPLOY, [...endpoints(), "--wallet", authorityPath, "--config", CONFIG]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /already exists .* never re-initialized/);
    assert.match(run.stdout, new RegExp(`registry ${registryAddress().toBase58()}`));
  });

  it("--handover hands the upgrade authority to the council, once; a second run says it is done", async () => {
    const args = [...endpoints(), "--wallet", authorityPath, "--config", CONFIG, "--handover"];
    const first = await runScript(DEPLOY, args);
    assert.equal(first.code, 0, first.stderr);
    const council = councilUpgradeAuthority(PROGRAM_ID);
    assert.match(
      first.stdout,
      new RegExp(`Handed the program's upgrade authority to the registry council ${council.toBase58()}`),
    );
    const data = await net.connection.getAccountInfo(programDataAddress(PROGRAM_ID));
    assert.ok(decodeProgramData(data!.data).upgradeAuthority?.equals(council));

    const second = await runScript(DEPLOY, args);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already holds the program's upgrade authority/);
  });
});
