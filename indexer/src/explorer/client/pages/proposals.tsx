// /proposals: open proposals first with their action in words (the CLI's wording), votes and the
// time lock; then past ones with their outcome. /proposal/:id: one proposal, with who proposed,
// who voted how, and who executed.
import { useEffect, useState } from "preact/hooks";
import { gql } from "../api.js";
import { useLoaded } from "../data.js";
import {
  Address,
  AddressCell,
  BadgeCell,
  DetailHeading,
  ErrorNote,
  SignatureCell,
  Table,
  Time,
  TimeCell,
} from "../format.js";
import { Link, type Route } from "../router.js";

interface ProposalRow {
  proposalId: number;
  proposer: string;
  partner: string;
  status: string;
  description: string;
  approvalCount: number;
  rejectionCount: number;
  createdAt: string;
  expiresAt: string;
  approvedAt: string;
  executedAt: string;
  executedBy: string | null;
  evidence: { hash: string; uri: string };
  votes: {
    changeIndex: number;
    signature: string;
    data: { member: string; approve: boolean; change?: { unixTimestamp: string } };
  }[];
}

/** A proposal as the list shows it (LIST_FIELDS). */
type ProposalSummary = Pick<
  ProposalRow,
  "proposalId" | "status" | "description" | "approvalCount" | "createdAt" | "expiresAt" | "approvedAt" | "executedAt"
>;

interface RegistryTimes {
  threshold: number;
  timeLockSeconds: number;
  council: string[];
}

/** What the list shows (votes and evidence only on a proposal's own page: the API bounds a query's cost). */
const LIST_FIELDS = `proposalId status description approvalCount createdAt expiresAt approvedAt executedAt`;
const FIELDS = `proposalId proposer partner status description approvalCount rejectionCount createdAt expiresAt
  approvedAt executedAt executedBy evidence votes { changeIndex signature data }`;
const DEFAULT_PARTNER = "11111111111111111111111111111111";

/** Seconds now, ticking every second (for countdowns). */
function useNow(): number {
  const [now, setNow] = useState(() => Math.floor(Date.now() / 1000));
  useEffect(() => {
    const timer = setInterval(() => setNow(Math.floor(Date.now() / 1000)), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

/** Where an open or approved proposal stands in time. */
function Timing(props: { p: ProposalSummary; registry: RegistryTimes; now: number }) {
  const { p, registry, now } = props;
  if (p.status === "open") {
    const left = Number(p.expiresAt) - now;
    return (
      <span>
        {p.approvalCount}/{registry.threshold} approvals;{" "}
        {left > 0 ? `votes close in ${duration(left)}` : "voting closed (expired)"}
      </span>
    );
  }
  if (p.status === "approved") {
    const opens = Number(p.approvedAt) + registry.timeLockSeconds;
    return opens > now ? (
      <span>time lock: executable in {duration(opens - now)}</span>
    ) : (
      <span>executable now, by anyone</span>
    );
  }
  if (p.status === "executed")
    return (
      <span>
        executed <Time seconds={p.executedAt} />
      </span>
    );
  return <span>{p.status}</span>;
}

const RANK: Record<string, number> = { open: 0, approved: 1 };
const PAST_PAGE = 50;

type Connection = { edges: { node: ProposalSummary }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

interface ProposalsData {
  open: Connection;
  approved: Connection;
  all: Connection;
  registry: RegistryTimes | null;
}

/** One page of proposals (one connection a request: the API bounds each query's cost). */
const PAGE_QUERY = `query ($status: String, $first: Int, $after: String) {
  proposals(status: $status, first: $first, after: $after) {
    edges { node { ${LIST_FIELDS} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

async function proposalPage(status: string | null, first: number, after: string | null): Promise<Connection> {
  return (await gql<{ proposals: Connection }>(PAGE_QUERY, { status, first, after })).proposals;
}

/** Open and approved proposals (the first 100 of each), then every proposal a page at a time. */
async function loadProposals(after: string | null): Promise<ProposalsData> {
  const [open, approved, all, { registry }] = await Promise.all([
    proposalPage("open", 100, null),
    proposalPage("approved", 100, null),
    proposalPage(null, PAST_PAGE, after),
    gql<{ registry: RegistryTimes | null }>("{ registry { threshold timeLockSeconds council } }"),
  ]);
  return { open, approved, all, registry };
}

export function ProposalsPage(props: { route: Route }) {
  const now = useNow();
  const after = props.route.query.get("after") ?? "";
  const loaded = useLoaded(() => loadProposals(after || null), `proposals|${after}`);
  if (loaded.state === "loading") return <p class="loading">Loading proposals…</p>;
  if (loaded.state === "error") return <ErrorNote error={loaded.error} />;
  const registry = loaded.data.registry ?? { threshold: 0, timeLockSeconds: 0, council: [] };
  const pending = [...loaded.data.open.edges, ...loaded.data.approved.edges].map((e) => e.node);
  const past = loaded.data.all.edges.map((e) => e.node).filter((p) => RANK[p.status] === undefined);
  const sorted = [...pending, ...past].sort(
    (a, b) => (RANK[a.status] ?? 2) - (RANK[b.status] ?? 2) || b.proposalId - a.proposalId,
  );
  const next = loaded.data.all.pageInfo;
  return (
    <div>
      <h1>Proposals</h1>
      <p class="lead">
        Every change to a partner or to the registry is a proposal: {registry.threshold} council approvals, then a time
        lock of {duration(registry.timeLockSeconds)} before anyone may execute it.
      </p>
      <Table class="proposals" headers={["#", "Action", "Status", "Where it stands", "Proposed"]}>
        {sorted.map((p) => (
          <tr class={p.status === "open" || p.status === "approved" ? "pending" : ""}>
            <td>
              <Link href={`/proposal/${p.proposalId}`}>#{p.proposalId}</Link>
            </td>
            <td>{p.description}</td>
            <BadgeCell value={p.status} />
            <td>
              <Timing p={p} registry={registry} now={now} />
            </td>
            <TimeCell seconds={p.createdAt} />
          </tr>
        ))}
      </Table>
      <nav class="pager">
        {after && <Link href="/proposals">← First page</Link>}
        {next.hasNextPage && next.endCursor && (
          <Link href={`/proposals?after=${encodeURIComponent(next.endCursor)}`}>Next page →</Link>
        )}
      </nav>
    </div>
  );
}

export function ProposalPage(props: { id: string }) {
  const now = useNow();
  const loaded = useLoaded(
    () =>
      gql<{ proposal: ProposalRow | null; registry: RegistryTimes | null }>(
        `query ($id: Long!) { proposal(id: $id) { ${FIELDS} } registry { threshold timeLockSeconds council } }`,
        { id: Number(props.id) },
      ),
    props.id,
  );
  if (!/^\d+$/.test(props.id)) return <p class="error">A proposal number is a whole number.</p>;
  if (loaded.state === "loading") return <p class="loading">Loading proposal…</p>;
  if (loaded.state === "error") return <ErrorNote error={loaded.error} />;
  const p = loaded.data.proposal;
  const registry = loaded.data.registry ?? { threshold: 0, timeLockSeconds: 0, council: [] };
  if (p === null) return <h1>No proposal #{props.id}</h1>;
  return (
    <div>
      <DetailHeading
        list={{ href: "/proposals", label: "Proposals" }}
        id={p.proposalId}
        title={`Proposal #${p.proposalId}`}
        status={p.status}
      />
      <p class="lead">{p.description}</p>
      <dl class="facts">
        <dt>Proposed by</dt>
        <dd>
          <Address value={p.proposer} />, <Time seconds={p.createdAt} />
        </dd>
        {p.partner !== DEFAULT_PARTNER && (
          <>
            <dt>Partner</dt>
            <dd>
              <Address value={p.partner} href={`/partner/${p.partner}`} />
            </dd>
          </>
        )}
        <dt>Evidence</dt>
        <dd>
          <code title={p.evidence.hash}>sha256 {p.evidence.hash.slice(0, 16)}…</code> {p.evidence.uri}
        </dd>
        <dt>Where it stands</dt>
        <dd>
          <Timing p={p} registry={registry} now={now} />
        </dd>
        {p.executedBy && (
          <>
            <dt>Executed by</dt>
            <dd>
              <Address value={p.executedBy} />
            </dd>
          </>
        )}
      </dl>
      <h2>Votes</h2>
      {p.votes.length === 0 ? (
        <p class="muted">No votes yet.</p>
      ) : (
        <Table scroll={false} class="votes" headers={["Member", "Vote", "When", "Transaction"]}>
          {p.votes.map((v) => (
            <tr>
              <AddressCell value={v.data.member} />
              <td>{v.data.approve ? "approve" : "reject"}</td>
              <TimeCell seconds={v.data.change?.unixTimestamp} />
              <SignatureCell value={v.signature} />
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
