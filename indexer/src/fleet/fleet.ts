// A fleet of independent indexer replicas on one machine behind HAProxy (`npm run fleet`): each
// replica is its own `lume-indexer start` process with its own SQLite file and its own stream of
// the chain; nothing is shared but the chain. Cursors are chain facts (change index, slot), so a
// subscriber moved to another replica resumes where it was (docs/subscriptions.md).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join, resolve } from "node:path";
import { freePort } from "../../../app/src/entry/free-port.js";
import { UserError } from "../../../app/src/entry/user-error.js";
import { type FleetReplicaAddress, haproxyConfig } from "./haproxy-config.js";
import { spawnTied } from "./tied-child.js";

export interface FleetOptions {
  replicas: number;
  /** The chain every replica follows (each may be given its own URLs: `chainOf`). */
  rpcUrl: string;
  wsUrl?: string;
  /** Per replica (0-based) chain URLs instead of rpcUrl/wsUrl (tests put a proxy in front of one). */
  chainOf?: (replica: number) => { rpcUrl: string; wsUrl?: string };
  /** Where the SQLite files, logs and haproxy.cfg go. */
  dir: string;
  /** Delete the replicas' SQLite files first (a fresh local chain). */
  fresh?: boolean;
  host?: string;
  /** HAProxy's port (0: a free one). */
  port?: number;
  maxLagSlots?: number;
  checkIntervalMs?: number;
  fall?: number;
  rise?: number;
  /** The replicas' --stale-after-ms. */
  staleAfterMs?: number;
  maxConnections?: number;
  /** How long to wait for every replica to index the chain and HAProxy to route (default 120 s). */
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface FleetReplica extends FleetReplicaAddress {
  dbPath: string;
  logPath: string;
  url: string;
  process: ChildProcess;
  /** Resolves with the exit code or signal once the process has exited. */
  exited: Promise<string>;
}

export interface Fleet {
  /** Through HAProxy. */
  url: string;
  wsUrl: string;
  port: number;
  replicas: FleetReplica[];
  configPath: string;
  /** HAProxy's view of each replica: UP, DOWN, ... (its `show stat`). */
  serverStates(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

const REPO = resolve(import.meta.dirname, "../../..");

function exitedPromise(child: ChildProcess): Promise<string> {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) ok(String(child.exitCode ?? child.signalCode));
    else child.once("exit", (code, signal) => ok(String(code ?? signal)));
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
export async function stopProcess(child: ChildProcess, exited: Promise<string>, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

async function httpStatus(url: string): Promise<number | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return null;
  }
}

/** The hard limit on open files here (HAProxy needs two per connection, and raises its own soft limit). */
export function openFileLimit(): number {
  try {
    const text = execFileSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).trim();
    return text === "unlimited" ? 1_048_576 : Number(text);
  } catch {
    return 1_024;
  }
}

/** The haproxy binary, or a clear error saying how to install it. */
export function haproxyBinary(): string {
  for (const path of ["/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"])
    if (existsSync(path)) return path;
  throw new UserError(
    "HAProxy is not installed: run `bash scripts/setup.sh` (or `apt-get install -y haproxy`), then start the fleet again",
  );
}

/** HAProxy's admin socket: one command, the answer as text. */
async function adminCommand(socket: string, command: string): Promise<string> {
  return new Promise((ok, fail) => {
    const conn = createConnection(socket);
    let out = "";
    conn.on("data", (d) => (out += d.toString()));
    conn.on("end", () => ok(out));
    conn.on("error", fail);
    conn.write(`${command}\n`);
  });
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const log = options.log ?? (() => undefined);
  const host = options.host ?? "127.0.0.1";
  const haproxy = haproxyBinary();
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const replicas: FleetReplica[] = [];
  let balancer: { process: ChildProcess; exited: Promise<string> } | undefined;
  // If this process ends without stop() (an uncaught error, process.exit), its children end too:
  // HAProxy would otherwise keep the port and the replicas their chain streams.
  const orphans = () => {
    for (const child of [balancer?.process, ...replicas.map((r) => r.process)])
      if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", orphans);
  const stop = async () => {
    process.off("exit", orphans);
    if (balancer !== undefined) await stopProcess(balancer.process, balancer.exited);
    await Promise.all(replicas.map((r) => stopProcess(r.process, r.exited)));
  };
  try {
    for (let i = 0; i < options.replicas; i++) {
      const name = `replica-${i}`;
      const dbPath = join(dir, `${name}.sqlite`);
      if (options.fresh === true) for (const s of ["", "-wal", "-shm"]) rmSync(`${dbPath}${s}`, { force: true });
      const port = await freePort(host);
      const chain = options.chainOf?.(i) ?? { rpcUrl: options.rpcUrl, wsUrl: options.wsUrl };
      const args = [
        "--import",
        "tsx",
        "--no-experimental-require-module",
        join(REPO, "indexer/src/cli.ts"),
        "start",
        "--rpc-url",
        chain.rpcUrl,
        ...(chain.wsUrl === undefined ? [] : ["--ws-url", chain.wsUrl]),
        "--db",
        dbPath,
        "--host",
        host,
        "--port",
        String(port),
        ...(options.staleAfterMs === undefined ? [] : ["--stale-after-ms", String(options.staleAfterMs)]),
      ];
      const logPath = join(dir, `${name}.log`);
      const out = createWriteStream(logPath, { flags: "a" });
      const child = spawnTied(process.execPath, args, {
        cwd: REPO,
        env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout?.pipe(out);
      child.stderr?.pipe(out);
      const exited = exitedPromise(child);
      replicas.push({
        name,
        host,
        port,
        dbPath,
        logPath,
        url: `http://${host}:${port}/graphql`,
        process: child,
        exited,
      });
      log(`${name}: pid ${child.pid}, http://${host}:${port}/graphql, ${dbPath}`);
    }
    const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
    for (const r of replicas) {
      while ((await httpStatus(`http://${host}:${r.port}/healthz`)) !== 200) {
        const code = r.process.exitCode ?? r.process.signalCode;
        if (code !== null) throw new UserError(`${r.name} exited (${code}) while starting: see ${r.logPath}`);
        if (Date.now() > deadline) throw new UserError(`${r.name} did not become healthy in time: see ${r.logPath}`);
        await new Promise((ok) => setTimeout(ok, 200));
      }
      log(`${r.name}: healthy`);
    }

    const port = options.port === undefined || options.port === 0 ? await freePort(host) : options.port;
    const configPath = join(dir, "haproxy.cfg");
    const statsSocket = join(dir, "haproxy.sock");
    rmSync(statsSocket, { force: true });
    writeFileSync(
      configPath,
      haproxyConfig({
        bind: { host, port },
        replicas,
        maxLagSlots: options.maxLagSlots ?? 150,
        checkIntervalMs: options.checkIntervalMs ?? 1_000,
        fall: options.fall ?? 3,
        rise: options.rise ?? 2,
        // Two descriptors per connection (client side, replica side), and some to spare.
        maxConnections: Math.min(options.maxConnections ?? 20_000, Math.floor((openFileLimit() - 100) / 2)),
        statsSocket,
      }),
    );
    const check = spawn(haproxy, ["-c", "-q", "-f", configPath], { stdio: ["ignore", "pipe", "pipe"] });
    let checkOut = "";
    check.stdout?.on("data", (d) => (checkOut += d));
    check.stderr?.on("data", (d) => (checkOut += d));
    if ((await exitedPromise(check)) !== "0")
      throw new UserError(`HAProxy refused the generated ${configPath}: ${checkOut.trim()}`);
    const balancerLog = createWriteStream(join(dir, "haproxy.log"), { flags: "a" });
    // -db: stay in the foreground (a child of the fleet, stopped with it, and ended if it dies).
    const child = spawnTied(haproxy, ["-db", "-f", configPath], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.pipe(balancerLog);
    child.stderr?.pipe(balancerLog);
    balancer = { process: child, exited: exitedPromise(child) };
    const url = `http://${host}:${port}/graphql`;
    while ((await httpStatus(`http://${host}:${port}/healthz`)) !== 200) {
      const code = child.exitCode ?? child.signalCode;
      if (code !== null)
        throw new UserError(`HAProxy exited (${code}): see ${join(dir, "haproxy.log")} (is port ${port} free?)`);
      if (Date.now() > deadline) throw new UserError(`HAProxy did not route to a healthy replica in time`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
    log(`HAProxy: pid ${child.pid}, ${url} (config ${configPath})`);
    return {
      url,
      wsUrl: url.replace(/^http/, "ws"),
      port,
      replicas,
      configPath,
      serverStates: async () => {
        const csv = await adminCommand(statsSocket, "show stat");
        const header = csv.split("\n")[0]!.replace(/^# /, "").split(",");
        const [px, sv, st] = ["pxname", "svname", "status"].map((f) => header.indexOf(f));
        const states: Record<string, string> = {};
        for (const line of csv.split("\n").slice(1)) {
          const cols = line.split(",");
          if (cols[px!] === "replicas" && cols[sv!] !== "BACKEND" && cols[sv!] !== undefined)
            states[cols[sv!]!] = cols[st!]!;
        }
        return states;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
