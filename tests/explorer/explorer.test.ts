// The auditor's explorer in a real browser (Debian's chromium driven by playwright-core) against
// the npm start stack run in-process on free ports: a surfnet with the demo lifecycle (three
// partners, proposals, roles), the indexer and its server. Every page renders the seeded data;
// a change made through the lume CLI appears without reload; the integrity panel is green on a
// faithful index and red once an event is tampered with in the SQLite file; pagination and
// filters work; 375 px wide has no horizontal scroll.
// LUME_EXPLORER_SCREENSHOTS=1 also writes docs/explorer/*.png (the pictures in docs/explorer.md).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { type Browser, chromium, type Page } from "playwright-core";
import { sha256Hex } from "../../app/src/sdk/deployed-program.js";
import { type Stack, startStack } from "../../migrations/stack.js";
import { lume, type PartnerStatusJson, type ProposedJson } from "../cli/lume-helpers.js";

const CHROMIUM = process.env.LUME_CHROMIUM ?? "/usr/bin/chromium";
const SCREENSHOTS = process.env.LUME_EXPLORER_SCREENSHOTS === "1";

describe("the auditor's explorer in headless Chromium (npm start stack, free ports)", function () {
  this.timeout(240_000);
  let dir: string;
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let base: string;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: run scripts/setup.sh (it installs Debian's chromium)`);
    dir = mkdtempSync(join(tmpdir(), "lume-explorer-"));
    stack = await startStack({ demoDir: dir, rpcPort: 0, wsPort: 0, graphqlPort: 0 });
    base = stack.indexer.api.url.replace(/\/graphql$/, "");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(String(err)));
    (page as Page & { problems?: string[] }).problems = problems;
  });

  afterEach(async function () {
    const problems = (page as Page & { problems?: string[] }).problems ?? [];
    await page.close();
    if (this.currentTest?.state === "passed") assert.deepEqual(problems, [], "the page threw");
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(path: string, ready: string): Promise<void> {
    await page.goto(`${base}${path}`);
    try {
      await page.getByText(ready, { exact: false }).first().waitFor({ timeout: 15_000 });
    } catch (err) {
      // Say what the page showed instead (an error note, say).
      const shown = await page
        .locator("main")
        .innerText()
        .catch(() => "(no main)");
      throw new Error(`${path}: no "${ready}" within 15 s; the page shows:\n${shown.slice(0, 800)}`, { cause: err });
    }
  }

  /** Waits until the partner table shows `n` rows (it keeps the old ones while loading). */
  async function rowCount(n: number): Promise<void> {
    await page.waitForFunction((count) => document.querySelectorAll("table.partners tbody tr").length === count, n, {
      timeout: 15_000,
    });
  }

  async function screenshot(name: string): Promise<void> {
    if (!SCREENSHOTS) return;
    mkdirSync("docs/explorer", { recursive: true });
    await page.screenshot({ path: `docs/explorer/${name}.png`, fullPage: true });
  }

  it("partners: the seeded partners with counts by status, a status filter and a search", async () => {
    await open("/", "Northwind Data GmbH");
    const rows = page.locator("table.partners tbody tr");
    assert.equal(await rows.count(), 3);
    const names = stack.partners.map((p) => p.name);
    for (const name of names) assert.ok((await page.locator("table.partners").innerText()).includes(name), name);
    const counts = await page.locator("ul.counts").innerText();
    assert.match(counts, /active\s*2/);
    assert.match(counts, /suspended\s*1/);
    await screenshot("partners");

    await page.selectOption("select >> nth=0", "suspended");
    await page.waitForURL(/status=suspended/);
    await page.locator("#partner-total", { hasText: "1 partner match" }).waitFor();
    await rowCount(1);
    assert.equal(new URL(page.url()).pathname, "/partners");

    await open("/partners?search=northwind", "1 partner match");
    assert.match(await rows.first().innerText(), /Northwind Data GmbH/);
  });

  it("partners: cursor pagination keeps filters in the address", async () => {
    await open("/partners?size=2", "3 partners");
    const rows = page.locator("table.partners tbody tr");
    assert.equal(await rows.count(), 2);
    await page.getByRole("button", { name: "Next page →" }).click();
    await page.waitForURL(/after=/);
    // The page keeps the rows it shows until the next page has loaded.
    await rowCount(1);
    assert.equal(await page.getByRole("button", { name: "Next page →" }).count(), 0);
    await page.getByRole("link", { name: "← First page" }).click();
    await page.waitForURL((url) => !url.search.includes("after="));
    await rowCount(2);
  });

  it("a partner: identity, verification evidence, endpoints, keys, and a timeline linked to proposals", async () => {
    await open("/partner/1", "Infrastructure keys");
    const text = await page.locator("main").innerText();
    assert.match(text, new RegExp(stack.partners[1]!.name));
    assert.match(text, /Legal verification/);
    assert.match(text, /https:\/\/evidence\.example\/1/);
    assert.match(text, /Endpoints \(set version \d+\)/);
    assert.match(text, /revoked/, "partner 1 had a key revoked by the demo");
    assert.match(text, /May carry .* requests per second/);
    const timeline = page.locator("table.timeline tbody tr");
    assert.ok((await timeline.count()) >= 5);
    // Council-approved changes link the proposal behind them.
    await page.locator("table.timeline a", { hasText: "proposal #" }).first().click();
    await page.waitForURL(/\/proposal\/\d+$/);
    await page.getByText("Votes").waitFor();
    assert.match(await page.locator("table.votes").innerText(), /approve/);
    await screenshot("proposal");

    // The same page by address (a permanent address to paste in a report).
    await open(`/partner/${stack.partners[1]!.address.toBase58()}`, "Infrastructure keys");
    await screenshot("partner");
    await open("/partner/999", "No such partner");
  });

  it("proposals: actions in the CLI's words, open ones first; council and roles with the proposals that granted them", async () => {
    await open("/proposals", "suspend the partner");
    const text = await page.locator("table.proposals").innerText();
    assert.match(text, /grant legalVerifier to /);
    assert.match(text, /admit the partner with its endpoint set at version \d+/);
    await screenshot("proposals");

    await open("/council", "Council members");
    const council = await page.locator("main").innerText();
    for (const key of stack.keys.council) assert.ok(council.includes(key.publicKey.toBase58()));
    assert.match(council, /2 of 3 council members/);
    assert.match(council, /legal verifiers[\s\S]*proposal #\d+/);
    // Who can change the code: the council, to which the stack's deployer handed the upgrade
    // authority (issue 14), and the bytecode the stack deployed.
    await page.getByText("Bytecode SHA-256").waitFor();
    const code = await page.locator("#program").innerText();
    assert.match(code, /The registry council: the upgrade authority is the registry's own address/);
    assert.doesNotMatch(code, /The operators can still change the code/);
    assert.ok(!code.includes(stack.keys.deployer.publicKey.toBase58()), code);
    assert.ok(code.includes(sha256Hex(readFileSync("target/deploy/lume_registry.so"))), code);
    await screenshot("council");
  });

  it("live: a proposal made through the lume CLI appears on the open page without a reload", async () => {
    await open("/proposals", "suspend the partner");
    await page.locator("#live", { hasText: "live" }).waitFor();
    const before = await page.locator("table.proposals tbody tr").count();
    const run = await lume([
      "--url",
      stack.localnet.rpcUrl,
      "--ws-url",
      stack.localnet.wsUrl,
      "--keypair",
      join(dir, "council-1.json"),
      "--yes",
      "propose",
      "add-category",
      "--name",
      "explorer-live",
    ]);
    assert.equal(run.code, 0, run.err);
    await page.getByText('add category "explorer-live"').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator("table.proposals tbody tr").count(), before + 1);
    // Open proposals come first.
    assert.match(await page.locator("table.proposals tbody tr").first().innerText(), /explorer-live/);
  });

  it("re-verification: a partner's pending check, its deadline and the timeline; then the re-audit with its evidence", async () => {
    const cli = (key: string, ...args: string[]) =>
      lume([
        "--url",
        stack.localnet.rpcUrl,
        "--ws-url",
        stack.localnet.wsUrl,
        "--keypair",
        join(dir, key),
        "--yes",
        ...args,
      ]);
    let id = -1;
    for (const candidate of [0, 1, 2]) {
      const status = await cli("council-1.json", "--json", "partner", "status", "--partner", String(candidate));
      if (status.code === 0 && status.json<PartnerStatusJson>().status === "active") {
        id = candidate;
        break;
      }
    }
    assert.ok(id >= 0, "the demo has an active partner");
    const proposed = await cli(
      "council-1.json",
      "--json",
      "propose",
      "require-reverification",
      "--partner",
      String(id),
      "--checks",
      "technical",
      "--reason",
      "explorer check",
    );
    assert.equal(proposed.code, 0, proposed.err);
    const proposal = String(proposed.json<ProposedJson>().proposalId);
    for (const member of ["council-1.json", "council-2.json"])
      assert.equal((await cli(member, "approve", proposal)).code, 0);
    assert.equal((await cli("council-1.json", "localnet", "time-travel", "+61m")).code, 0);
    const executed = await cli("council-1.json", "execute", proposal);
    assert.equal(executed.code, 0, executed.err);

    /** Reloads until the page shows `text` (the account can be stored a moment before its events). */
    const reloadUntil = async (text: string) => {
      for (let attempt = 0; attempt < 30; attempt++) {
        if ((await page.locator("main").innerText()).includes(text)) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
        await page.reload();
        await page.locator("table.timeline").waitFor({ timeout: 15_000 });
      }
      assert.fail(`the page never showed "${text}"`);
    };
    await open(`/partner/${id}`, "Re-verification pending");
    await reloadUntil("re-verification required by");
    assert.match(
      await page.locator("#reverification").innerText(),
      /^technical, due .+\(then active; overdue after it\)/,
    );
    assert.match(
      await page.locator("table.timeline").innerText(),
      /re-verification required by \d{4}-\d\d-\d\d: status active → under audit \("explorer check"\)/,
    );
    await screenshot("partner-reverification");
    // The partners list shows what the partner owes next to its status.
    const listRow = async () => {
      await open("/partners", "Northwind Data GmbH");
      return page.locator("table.partners tbody tr", { has: page.locator(`a[href="/partner/${id}"]`) }).innerText();
    };
    assert.match(await listRow(), /under audit\s+technical re-verification due \S/);
    await open(`/partner/${id}`, "Re-verification pending");

    // An endpoint the council adds now is pending audit until the technical re-audit below.
    const added = await cli(
      "council-1.json",
      "--json",
      "propose",
      "add-endpoint",
      "--partner",
      String(id),
      "--host",
      "late.explorer.example",
      "--categories",
      "api-read",
    );
    assert.equal(added.code, 0, added.err);
    const addProposal = String(added.json<ProposedJson>().proposalId);
    for (const member of ["council-1.json", "council-2.json"])
      assert.equal((await cli(member, "approve", addProposal)).code, 0);
    assert.equal((await cli("council-1.json", "localnet", "time-travel", "+61m")).code, 0);
    assert.equal((await cli("council-1.json", "execute", addProposal)).code, 0);
    await reloadUntil("late.explorer.example");
    assert.match(
      await page.locator("#endpoints tr", { hasText: "late.explorer.example" }).innerText(),
      /active\s+pending audit \(audited set version \d+\)/,
    );

    const attested = await cli(
      "technical-auditor.json",
      "attest",
      "technical",
      "--partner",
      String(id),
      "--evidence-file",
      "docs/examples/application-evidence.txt",
      "--evidence-uri",
      "https://auditor.example/explorer-re-audit.pdf",
    );
    assert.equal(attested.code, 0, attested.err);
    await reloadUntil("re-verification completed");
    const text = await page.locator("main").innerText();
    assert.match(text, /https:\/\/auditor\.example\/explorer-re-audit\.pdf/);
    assert.doesNotMatch(text, /Re-verification pending/);
    assert.doesNotMatch(text, /pending audit/, "the re-audit covered the added endpoint");
    assert.match(
      await page.locator("table.timeline").innerText(),
      /re-verification completed: status under audit → active/,
    );
    assert.doesNotMatch(await listRow(), /re-verification due/);
  });

  it("integrity: green on a faithful index, red once an event's bytes are edited in the SQLite file", async () => {
    await open("/integrity", "History complete and untampered through change");
    assert.match(await page.locator("#integrity").getAttribute("class").then(String), /integrity-ok/);
    await screenshot("integrity");

    const db = new Database(stack.indexerDbPath);
    try {
      const row = db.prepare("SELECT raw FROM events WHERE change_index = 5").get() as { raw: Buffer };
      const tampered = Buffer.from(row.raw);
      tampered[tampered.length - 1]! ^= 0xff; // a field byte, past the header
      db.prepare("UPDATE events SET raw = ? WHERE change_index = 5").run(tampered);
    } finally {
      db.close();
    }
    await open("/integrity", "✘");
    assert.match(String(await page.locator("#integrity").getAttribute("class")), /integrity-bad/);
    const verdict = await page.locator("#integrity").innerText();
    assert.match(verdict, /altered, dropped or reordered/);
    // The first change that differs is named, found by comparing with the chain's transactions.
    assert.match(verdict, /Change 5 differs from the chain/);
  });

  it("375 px wide: every page fits without horizontal scrolling", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    for (const [path, ready] of [
      ["/partners", "Northwind Data GmbH"],
      ["/partner/0", "Infrastructure keys"],
      ["/proposals", "suspend the partner"],
      ["/council", "Council members"],
      // After the tampering above: the red verdict with its two 64-digit heads must wrap too.
      ["/integrity", "✘"],
    ] as const) {
      await open(path, ready);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow} px at 375 px`);
    }
    await open("/partners", "Northwind Data GmbH");
    await screenshot("partners-375px");
  });

  it("serves its own script and style (no CDN), and the page addresses to a shell", async () => {
    for (const path of ["/explorer/app.js", "/explorer/app.css", "/partners", "/partner/0", "/integrity"]) {
      const response = await fetch(`${base}${path}`);
      assert.equal(response.status, 200, path);
    }
    const html = await (await fetch(`${base}/partners`)).text();
    assert.doesNotMatch(html, /https?:\/\//, "the shell must not load anything from elsewhere");
    const script = await (await fetch(`${base}/explorer/app.js`)).text();
    assert.doesNotMatch(script, /(src|href)=["']https?:\/\//);
    assert.equal((await fetch(`${base}/no-such-page`)).status, 404);
  });
});
