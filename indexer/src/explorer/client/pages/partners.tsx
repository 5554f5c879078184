// /partners (and /): who may use the network. Counts by status, filters by status and stage,
// search by name, id or address, cursor pagination.
import { useState } from "preact/hooks";
import { gql } from "../api.js";
import { useLoaded } from "../data.js";
import { Badge, ErrorNote, Table, Time, TimeCell, words } from "../format.js";
import { Link, navigate, type Route } from "../router.js";

const STATUSES = ["active", "underAudit", "reviewOverdue", "suspended", "revoked", "pending"];
const STAGES = ["applied", "legalVerified", "technicallyVerified", "admitted", "rejected"];

/** A filter: one of `options` (in words), or any. */
function Choice(props: { label: string; value: string; options: string[]; onChange: (value: string) => void }) {
  return (
    <label>
      {props.label}{" "}
      <select value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">any</option>
        {props.options.map((s) => (
          <option value={s}>{words(s)}</option>
        ))}
      </select>
    </label>
  );
}
const PAGE_SIZES = [10, 25, 50, 100];
const DEFAULT_PAGE_SIZE = 25;

/** Rows per page from the address (?size=N, 1 to 100), else the default. */
function pageSize(query: URLSearchParams): number {
  const n = Number(query.get("size"));
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : DEFAULT_PAGE_SIZE;
}

interface PartnerRow {
  address: string;
  partnerId: number;
  legalName: string;
  jurisdiction: string;
  status: string;
  stage: string;
  nextReviewAt: string;
  /** Re-verifications owed since admission ("legal", "technical"), due by reverificationDeadline. */
  pendingChecks: string[];
  reverificationDeadline: string;
  data: { activeEndpoints: number; activeKeys: number; updatedAt: string };
}

interface PartnersPage {
  partners: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: PartnerRow }[];
  };
  partnerCounts: { status: string; stage: string; count: number }[];
}

const QUERY = `query ($first: Int, $after: String, $status: String, $stage: String, $search: String) {
  partners(first: $first, after: $after, status: $status, stage: $stage, search: $search) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node { address partnerId legalName jurisdiction status stage nextReviewAt pendingChecks reverificationDeadline data }
    }
  }
  partnerCounts { status stage count }
}`;

/** The re-verifications a partner owes, and when they are due (nodes refuse it once overdue). */
function PendingChecks(props: { row: PartnerRow }) {
  return (
    <span class="badge badge-pending">
      {props.row.pendingChecks.join(" + ")} re-verification due <Time seconds={props.row.reverificationDeadline} />
    </span>
  );
}

/** A search that is a partner id or a base58 address goes straight to that partner. */
function directTarget(search: string): string | null {
  if (/^\d+$/.test(search)) return `/partner/${search}`;
  if (/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(search)) return `/partner/${search}`;
  return null;
}

export function PartnersPage(props: { route: Route }) {
  const q = props.route.query;
  const status = q.get("status") ?? "";
  const stage = q.get("stage") ?? "";
  const search = q.get("search") ?? "";
  const after = q.get("after") ?? "";
  const size = pageSize(q);
  const [draft, setDraft] = useState(search);
  const loaded = useLoaded(
    () =>
      gql<PartnersPage>(QUERY, {
        first: size,
        after: after || null,
        status: status || null,
        stage: stage || null,
        search: search || null,
      }),
    `${status}|${stage}|${search}|${after}|${size}`,
  );
  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams({
      status,
      stage,
      search,
      after,
      size: size === DEFAULT_PAGE_SIZE ? "" : String(size),
      ...changes,
    });
    for (const [k, v] of [...next.entries()]) if (!v) next.delete(k);
    const text = next.toString();
    navigate(text ? `/partners?${text}` : "/partners");
  };

  return (
    <div>
      <h1>Partners</h1>
      <p class="lead">Organisations whose endpoints user devices may serve, and where each stands.</p>
      {loaded.state === "ready" && <StatusCounts counts={loaded.data.partnerCounts} current={status} go={go} />}
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          const target = directTarget(draft.trim());
          if (target) navigate(target);
          else go({ search: draft.trim(), after: "" });
        }}
      >
        <Choice label="Status" value={status} options={STATUSES} onChange={(v) => go({ status: v, after: "" })} />
        <Choice label="Stage" value={stage} options={STAGES} onChange={(v) => go({ stage: v, after: "" })} />
        <label class="grow">
          Search{" "}
          <input
            type="search"
            placeholder="name, endpoint host, id or address"
            value={draft}
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
        </label>
        <label>
          Rows{" "}
          <select value={String(size)} onChange={(e) => go({ size: e.currentTarget.value, after: "" })}>
            {PAGE_SIZES.map((n) => (
              <option value={String(n)}>{n}</option>
            ))}
          </select>
        </label>
        <button type="submit">Find</button>
      </form>
      {loaded.state === "error" && <ErrorNote error={loaded.error} />}
      {loaded.state === "loading" && <p class="loading">Loading partners…</p>}
      {loaded.state === "ready" && (
        <>
          <p class="muted" id="partner-total">
            {loaded.data.partners.totalCount} partner{loaded.data.partners.totalCount === 1 ? "" : "s"}
            {status || stage || search ? " match" : ""}
          </p>
          <Table
            class="partners"
            headers={[
              "#",
              "Name",
              "Status",
              "Stage",
              { label: "Endpoints", class: "num" },
              { label: "Active keys", class: "num" },
              "Next review",
              "Last change",
            ]}
          >
            {loaded.data.partners.edges.map(({ node }) => (
              <tr>
                <td>{node.partnerId}</td>
                <td>
                  <Link href={`/partner/${node.partnerId}`}>{node.legalName}</Link>{" "}
                  <span class="muted">{node.jurisdiction}</span>
                </td>
                <td>
                  <Badge value={node.status} />
                  {node.pendingChecks.length > 0 && (
                    <>
                      {" "}
                      <PendingChecks row={node} />
                    </>
                  )}
                </td>
                <td>{words(node.stage)}</td>
                <td class="num">{node.data.activeEndpoints}</td>
                <td class="num">{node.data.activeKeys}</td>
                <TimeCell seconds={node.nextReviewAt} />
                <TimeCell seconds={node.data.updatedAt} />
              </tr>
            ))}
          </Table>
          <nav class="pager">
            {after && <Link href={backHref(props.route)}>← First page</Link>}
            {loaded.data.partners.pageInfo.hasNextPage && loaded.data.partners.pageInfo.endCursor && (
              <button type="button" onClick={() => go({ after: loaded.data.partners.pageInfo.endCursor ?? "" })}>
                Next page →
              </button>
            )}
          </nav>
        </>
      )}
    </div>
  );
}

function backHref(route: Route): string {
  const next = new URLSearchParams(route.query);
  next.delete("after");
  const text = next.toString();
  return text ? `/partners?${text}` : "/partners";
}

function StatusCounts(props: {
  counts: { status: string; stage: string; count: number }[];
  current: string;
  go: (changes: Record<string, string>) => void;
}) {
  const byStatus = new Map<string, number>();
  for (const c of props.counts) byStatus.set(c.status, (byStatus.get(c.status) ?? 0) + c.count);
  return (
    <ul class="counts" aria-label="Partners by status">
      {[...byStatus.entries()].map(([status, count]) => (
        <li>
          <button
            type="button"
            class={props.current === status ? "selected" : ""}
            onClick={() => props.go({ status: props.current === status ? "" : status, after: "" })}
          >
            <Badge value={status} /> <strong>{count}</strong>
          </button>
        </li>
      ))}
    </ul>
  );
}
