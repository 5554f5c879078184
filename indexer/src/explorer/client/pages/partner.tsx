// /partner/:id-or-address: everything about one partner: identity and the evidence of each
// verification stage (and re-verification, with any still pending and its deadline), endpoints
// (pending audit when changed since the last technical audit), keys, traffic model, deviation reports and reviews, and the
// complete timeline of changes with the proposal that authorized each.
import { gql } from "../api.js";
import { useLoaded } from "../data.js";
import {
  Address,
  AddressCell,
  Badge,
  DetailHeading,
  ErrorNote,
  Section,
  SignatureCell,
  Table,
  Time,
  TimeCell,
  words,
} from "../format.js";
import { Link } from "../router.js";

interface Evidence {
  hash: string;
  uri: string;
}

interface PartnerDetail {
  address: string;
  partnerId: number;
  legalName: string;
  jurisdiction: string;
  authority: string;
  status: string;
  stage: string;
  admittedAt: string;
  nextReviewAt: string;
  endpointSetVersion: number;
  technicalEndpointSetVersion: number;
  pendingChecks: string[];
  reverificationDeadline: string;
  statusAfterReverification: string | null;
  keySetVersion: number;
  allowedCategories: string[];
  trafficModel: { maxRequestsPerSecond: number; burst: number; maxBandwidthKbps: number };
  data: {
    applicationEvidence: Evidence;
    legalVerifier: string;
    legalEvidence: Evidence;
    legalAttestedAt: string;
    technicalAuditor: string;
    technicalEvidence: Evidence;
    technicalAttestedAt: string;
    createdAt: string;
    suspensionExpiresAt: string;
  };
  endpoints: {
    index: number;
    host: string;
    port: number;
    protocol: string;
    categories: string[];
    status: string;
    pendingAudit: boolean;
  }[];
  attestations: {
    changeIndex: number;
    kind: string;
    stage: string;
    verifier: string;
    evidenceHash: string;
    evidenceUri: string;
    endpointSetVersion: number;
  }[];
  keys: {
    index: number;
    publicKey: string;
    status: string;
    validFrom: string;
    validUntil: string;
    graceUntil: string;
    endpoints: number[];
    revocationReason: string;
  }[];
  reviews: {
    changeIndex: number;
    auditor: string;
    outcome: string;
    evidenceHash: string;
    evidenceUri: string;
    nextReviewAt: string;
  }[];
  reports: {
    address: string;
    reporter: string;
    windowStart: string;
    category: string | null;
    observed: string;
    reportedAt: string;
  }[];
  history: TimelineEvent[];
}

interface TimelineEvent {
  changeIndex: number;
  slot: number;
  blockTime: number | null;
  signature: string;
  name: string;
  data: Record<string, unknown> & { change?: { unixTimestamp?: string }; proposalId?: string };
  transaction: { signers: string[] } | null;
}

const QUERY = `query ($id: Long, $address: String) {
  partner(id: $id, address: $address) {
    address partnerId legalName jurisdiction authority status stage admittedAt nextReviewAt
    endpointSetVersion technicalEndpointSetVersion pendingChecks reverificationDeadline statusAfterReverification
    keySetVersion allowedCategories trafficModel data
    endpoints { index host port protocol categories status pendingAudit }
    attestations { changeIndex kind stage verifier evidenceHash evidenceUri endpointSetVersion }
    keys { index publicKey status validFrom validUntil graceUntil endpoints revocationReason }
    reviews { changeIndex auditor outcome evidenceHash evidenceUri nextReviewAt }
    reports { address reporter windowStart category observed reportedAt }
    history { changeIndex slot blockTime signature name data transaction { signers } }
  }
}`;

function EvidenceLink(props: { evidence: Evidence | undefined }) {
  const e = props.evidence;
  if (!e || /^0*$/.test(e.hash)) return <span class="muted">none</span>;
  const safe = /^(https?|ipfs|ar):\/\//.test(e.uri);
  return (
    <span class="evidence">
      <code title={`SHA-256 of the evidence: ${e.hash}`}>sha256 {e.hash.slice(0, 16)}…</code>{" "}
      {e.uri &&
        (safe ? (
          <a href={e.uri} rel="noopener noreferrer nofollow">
            {e.uri}
          </a>
        ) : (
          <span>{e.uri}</span>
        ))}
    </span>
  );
}

/** One verification stage: who attested it, when, with what evidence. */
function StageRow(props: { stage: string; by: string | null; at: string; evidence: Evidence }) {
  return (
    <tr>
      <td>{props.stage}</td>
      <AddressCell value={props.by} />
      <TimeCell seconds={props.at} />
      <td>
        <EvidenceLink evidence={props.evidence} />
      </td>
    </tr>
  );
}

/** A check after admission (re-verification, periodic review): who made it, at which change. */
function LaterCheckRow(props: { check: string; by: string; changeIndex: number; evidence: Evidence }) {
  return (
    <tr>
      <td>{props.check}</td>
      <AddressCell value={props.by} />
      <td class="muted">change {props.changeIndex}</td>
      <td>
        <EvidenceLink evidence={props.evidence} />
      </td>
    </tr>
  );
}

/** What an event did, in words. */
function eventWords(e: TimelineEvent): string {
  const d = e.data as Record<string, unknown>;
  switch (e.name) {
    case "partnerApplied":
      return "applied";
    case "verificationAttested":
      return d.stage === "admitted"
        ? `${words(String(d.kind))} re-verification attested (endpoint set version ${d.endpointSetVersion})`
        : `${words(String(d.kind))} verification attested`;
    case "endpointAdded":
      return `endpoint #${d.index} added (${d.protocol}://${d.host}:${d.port})`;
    case "endpointRemoved":
      return `endpoint #${d.index} removed`;
    case "endpointCategoriesChanged":
      return `endpoint #${d.index} categories changed`;
    case "keyIssued":
      return `key #${d.index} issued`;
    case "keyRevoked":
      return `key #${d.index} revoked (${words(String(d.reason))})`;
    case "partnerStatusChanged":
      if (d.cause === "reverificationRequired")
        return `re-verification required by ${new Date(Number(d.until) * 1000).toISOString().slice(0, 10)}: status ${words(String(d.oldStatus))} → ${words(String(d.newStatus))}${d.reason ? ` ("${d.reason}")` : ""}`;
      if (d.cause === "reverificationCompleted")
        return `re-verification completed: status ${words(String(d.oldStatus))} → ${words(String(d.newStatus))}`;
      if (d.cause === "reverificationOverdue")
        return `re-verification overdue: status ${words(String(d.oldStatus))} → ${words(String(d.newStatus))}`;
      return `status ${words(String(d.oldStatus))} → ${words(String(d.newStatus))}${d.reason ? ` ("${d.reason}")` : ""}`;
    case "trafficModelChanged":
      return "traffic model changed";
    case "reviewRecorded":
      return `review recorded: ${words(String(d.outcome))}`;
    case "deviationReported":
      return "deviation reported";
    case "proposalCreated":
      return `proposal #${d.proposalId} created`;
    default:
      return words(e.name);
  }
}

export function PartnerPage(props: { idOrAddress: string }) {
  const byId = /^\d+$/.test(props.idOrAddress);
  const loaded = useLoaded(
    () =>
      gql<{ partner: PartnerDetail | null }>(
        QUERY,
        byId ? { id: Number(props.idOrAddress) } : { address: props.idOrAddress },
      ),
    props.idOrAddress,
  );
  if (loaded.state === "loading") return <p class="loading">Loading partner…</p>;
  if (loaded.state === "error") return <ErrorNote error={loaded.error} />;
  const p = loaded.data.partner;
  if (p === null)
    return (
      <div>
        <h1>No such partner</h1>
        <p>
          The index has no partner {props.idOrAddress}. <Link href="/partners">All partners</Link>
        </p>
      </div>
    );
  const tm = p.trafficModel;
  return (
    <div>
      <DetailHeading
        list={{ href: "/partners", label: "Partners" }}
        id={p.partnerId}
        title={p.legalName}
        status={p.status}
      />
      <dl class="facts">
        <dt>Partner</dt>
        <dd>
          #{p.partnerId}, <Address value={p.address} />
        </dd>
        <dt>Jurisdiction</dt>
        <dd>{p.jurisdiction}</dd>
        <dt>Admission stage</dt>
        <dd>{words(p.stage)}</dd>
        <dt>Authority</dt>
        <dd>
          <Address value={p.authority} />
        </dd>
        <dt>Admitted</dt>
        <dd>
          <Time seconds={p.admittedAt} />
        </dd>
        <dt>Next review</dt>
        <dd>
          <Time seconds={p.nextReviewAt} />
        </dd>
        {p.pendingChecks.length > 0 && (
          <>
            <dt>Re-verification pending</dt>
            <dd id="reverification">
              {p.pendingChecks.map(words).join(" and ")}, due <Time seconds={p.reverificationDeadline} />
              {p.statusAfterReverification && (
                <span class="muted"> (then {words(p.statusAfterReverification)}; overdue after it)</span>
              )}
            </dd>
          </>
        )}
        {p.status === "suspended" && Number(p.data.suspensionExpiresAt) > 0 && (
          <>
            <dt>Guardian suspension lapses</dt>
            <dd>
              <Time seconds={p.data.suspensionExpiresAt} />
            </dd>
          </>
        )}
      </dl>

      <Section title="Verification" id="verification">
        <Table scroll={false} headers={["Stage", "By", "When", "Evidence"]}>
          <StageRow stage="Application" by={p.authority} at={p.data.createdAt} evidence={p.data.applicationEvidence} />
          <StageRow
            stage="Legal verification"
            by={Number(p.data.legalAttestedAt) > 0 ? p.data.legalVerifier : null}
            at={p.data.legalAttestedAt}
            evidence={p.data.legalEvidence}
          />
          <StageRow
            stage="Technical audit"
            by={Number(p.data.technicalAttestedAt) > 0 ? p.data.technicalAuditor : null}
            at={p.data.technicalAttestedAt}
            evidence={p.data.technicalEvidence}
          />
          {p.attestations
            .filter((a) => a.stage === "admitted")
            .map((a) => (
              <LaterCheckRow
                check={`${a.kind === "legal" ? "Legal re-verification" : "Technical re-audit"} (set version ${a.endpointSetVersion})`}
                by={a.verifier}
                changeIndex={a.changeIndex}
                evidence={{ hash: a.evidenceHash, uri: a.evidenceUri }}
              />
            ))}
          {p.reviews.map((r) => (
            <LaterCheckRow
              check={`Review (${words(r.outcome)})`}
              by={r.auditor}
              changeIndex={r.changeIndex}
              evidence={{ hash: r.evidenceHash, uri: r.evidenceUri }}
            />
          ))}
        </Table>
      </Section>

      <Section title={`Endpoints (set version ${p.endpointSetVersion})`} id="endpoints">
        {p.endpoints.length === 0 ? (
          <p class="muted">No endpoints declared.</p>
        ) : (
          <Table headers={["#", "Endpoint", "Categories", "Status"]}>
            {p.endpoints.map((e) => (
              <tr>
                <td>{e.index}</td>
                <td>
                  <code>
                    {e.protocol}://{e.host}:{e.port}
                  </code>
                </td>
                <td>{e.categories.join(", ") || <span class="muted">none</span>}</td>
                <td>
                  <Badge value={e.status} />
                  {e.pendingAudit && (
                    <span class="muted" title="nodes refuse it until a technical auditor attests the set">
                      {" "}
                      pending audit (audited set version {p.technicalEndpointSetVersion})
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Section>

      <Section title={`Infrastructure keys (set version ${p.keySetVersion})`} id="keys">
        {p.keys.length === 0 ? (
          <p class="muted">No keys issued.</p>
        ) : (
          <Table headers={["#", "Key", "Status", "Valid from", "Valid until", "Endpoints"]}>
            {p.keys.map((k) => (
              <tr>
                <td>{k.index}</td>
                <AddressCell value={k.publicKey} />
                <td>
                  <Badge value={k.status} />
                  {k.status === "revoked" && <span class="muted"> ({words(k.revocationReason)})</span>}
                  {Number(k.graceUntil) > 0 && (
                    <span class="muted">
                      {" "}
                      rotated, valid until <Time seconds={k.graceUntil} />
                    </span>
                  )}
                </td>
                <TimeCell seconds={k.validFrom} />
                <TimeCell seconds={k.validUntil} />
                <td>{k.endpoints.length === 0 ? "all" : k.endpoints.map((e) => `#${e}`).join(", ")}</td>
              </tr>
            ))}
          </Table>
        )}
      </Section>

      <Section title="Traffic model" id="traffic">
        <p>
          May carry {p.allowedCategories.length === 0 ? "no categories" : p.allowedCategories.join(", ")}, at most{" "}
          {tm.maxRequestsPerSecond} requests per second (bursts of {tm.burst}) and {tm.maxBandwidthKbps} kbit/s.
        </p>
      </Section>

      <Section title="Deviation reports" id="reports">
        {p.reports.length === 0 ? (
          <p class="muted">No deviation reports.</p>
        ) : (
          <ul>
            {p.reports.map((r) => (
              <li>
                <Time seconds={r.reportedAt} />: <Address value={r.reporter} /> saw {r.observed} in{" "}
                {r.category ?? "an unknown category"}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="Timeline" id="timeline">
        <Table class="timeline" headers={["Change", "What", "When", "Slot", "Transaction", "Authorized by"]}>
          {[...p.history].reverse().map((e) => (
            <tr>
              <td>{e.changeIndex}</td>
              <td>{eventWords(e)}</td>
              <TimeCell seconds={e.data.change?.unixTimestamp ?? e.blockTime} />
              <td>{e.slot}</td>
              <SignatureCell value={e.signature} />
              <td>
                {e.name !== "proposalCreated" && e.data.proposalId && e.data.proposalId !== "0" ? (
                  <Link href={`/proposal/${e.data.proposalId}`}>proposal #{e.data.proposalId}</Link>
                ) : (
                  <span>
                    signed by <Address value={e.transaction?.signers[0]} />
                  </span>
                )}
              </td>
            </tr>
          ))}
        </Table>
      </Section>
    </div>
  );
}
