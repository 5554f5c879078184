// Resolvers: thin over the store. Shapes follow schema.graphql.ts.
import { GraphQLError } from "graphql";
import { describeAction } from "../../../app/src/sdk/actions.js";
import { registryAddress } from "../../../app/src/sdk/pda.js";
import { checkNames } from "../../../app/src/sdk/snapshot.js";
import type { Indexer } from "../indexer.js";
import type { AccountRow, EventRow } from "../store/store.js";
import { authorize, categoryNames, keyToBase58 } from "./authorize.js";
import { LongScalar } from "./long-scalar.js";
import { programFacts } from "./program-facts.js";
import { snapshotCache } from "./snapshot.js";
import { checkDeltaResume, deltaOf } from "./snapshot-delta.js";
import { eventNames, partnerAddress, resumePoint } from "./subscription-args.js";
import { changeStream, KEY_REVOCATION_EVENTS, proposalEvents } from "./subscriptions.js";

export const MAX_PAGE = 100;

export interface Context {
  indexer: Indexer;
}

type ResumeArgs = { fromChangeIndex?: number | null; fromSlot?: number | null };

function pageSize(first: number | null | undefined, fallback: number): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE)
    throw new GraphQLError(`first must be between 0 and ${MAX_PAGE}`, { extensions: { code: "BAD_USER_INPUT" } });
  return n;
}

/** Cursors are opaque to clients: the kind of list and the id of the row, base64url. */
const encodeCursor = (kind: string, id: number) => Buffer.from(`${kind}:${id}`).toString("base64url");
function decodeCursor(kind: string, cursor: string): number {
  const match = new RegExp(`^${kind}:(\\d+)$`).exec(Buffer.from(cursor, "base64url").toString());
  if (match === null) throw new GraphQLError("invalid cursor", { extensions: { code: "BAD_USER_INPUT" } });
  return Number(match[1]);
}

/** A Relay connection over `all` (ordered by `idOf`): `first` rows after the `after` cursor. */
function connection<T, N>(
  kind: string,
  all: T[],
  idOf: (row: T) => number,
  view: (row: T) => N,
  args: { first?: number | null; after?: string | null },
) {
  const first = pageSize(args.first, 20);
  const after = args.after ? decodeCursor(kind, args.after) : -1;
  const rest = all.filter((row) => idOf(row) > after);
  const page = rest.slice(0, first);
  const edges = page.map((row) => ({ cursor: encodeCursor(kind, idOf(row)), node: view(row) }));
  return {
    edges,
    totalCount: all.length,
    pageInfo: {
      hasNextPage: rest.length > page.length,
      hasPreviousPage: rest.length < all.length,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

function registryRow(indexer: Indexer): AccountRow<"registry"> | null {
  const row = indexer.store.accountOf("registry", registryAddress(indexer.programId).toBase58());
  return row === undefined || row.closed ? null : row;
}

/** The row's address and slot, which every account view starts with. */
const located = (row: { pubkey: string; slot: number }) => ({ address: row.pubkey, slot: row.slot });

/** The fields `keys` of decoded data, as they are. */
function pick<T extends object, K extends keyof T>(data: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, data[key]])) as Pick<T, K>;
}

function registryView(row: AccountRow<"registry">) {
  const d = row.data;
  return {
    ...located(row),
    // Every stored field the schema's Registry names is served as it is, except these:
    ...d,
    council: d.council.slice(0, d.councilLen),
    categories: d.categories.slice(0, d.categoryCount),
    changeCount: d.history.changeCount,
    historyHead: d.history.head,
  };
}

function categoriesOf(indexer: Indexer): string[] {
  const row = registryRow(indexer);
  return row === null ? [] : registryView(row).categories;
}

function partnerView(row: AccountRow<"partner">) {
  const d = row.data;
  return {
    ...located(row),
    closed: row.closed,
    partnerId: Number(d.partnerId),
    ...pick(d, [
      "authority",
      "legalName",
      "jurisdiction",
      "stage",
      "status",
      "trafficModel",
      "revision",
      "endpointSetVersion",
      "technicalEndpointSetVersion",
      "reverificationDeadline",
      "keySetVersion",
      "admittedAt",
      "nextReviewAt",
    ]),
    pendingChecks: checkNames(Number(d.pendingChecks)),
    statusAfterReverification: Number(d.pendingChecks) === 0 ? null : d.statusBeforeReverification,
    data: d,
  };
}

/** An endpoint added or changed after admission that no technical audit covers yet: nodes refuse it. */
function pendingAudit(
  endpoint: AccountRow<"endpoint">["data"],
  partner: AccountRow<"partner">["data"] | undefined,
): boolean {
  if (partner === undefined || partner.stage !== "admitted" || endpoint.status !== "active") return false;
  return !(changedInVersion(endpoint) <= Number(partner.technicalEndpointSetVersion));
}

function changedInVersion(endpoint: AccountRow<"endpoint">["data"]): number {
  return Math.max(Number(endpoint.addedInVersion), Number(endpoint.changedInVersion ?? 0));
}

function endpointView(row: AccountRow<"endpoint">, categories: string[], partner?: AccountRow<"partner">["data"]) {
  const d = row.data;
  return {
    ...located(row),
    ...pick(d, ["index", "host", "port", "protocol", "status"]),
    changedInVersion: changedInVersion(d),
    pendingAudit: pendingAudit(d, partner),
    categories: categoryNames(d.categories, categories),
  };
}

function keyView(row: AccountRow<"infraKey">) {
  const d = row.data;
  return {
    ...located(row),
    ...pick(d, ["index", "status", "validFrom", "validUntil", "graceUntil", "revocationReason"]),
    publicKey: keyToBase58(d.publicKey),
    endpoints: (d.endpoints as number[]).slice(0, d.endpointCount),
  };
}

function proposalView(row: AccountRow<"proposal">) {
  const d = row.data;
  const executed = d.executedAt !== "0";
  return {
    ...located(row),
    ...pick(d, [
      "councilEpoch",
      "approvedAt",
      "executedAt",
      "evidence",
      "proposer",
      "partner",
      "status",
      "action",
      "approvalCount",
      "rejectionCount",
      "createdAt",
      "expiresAt",
    ]),
    executedBy: executed ? d.executedBy : null,
    proposalId: Number(d.proposalId),
  };
}

/** An event as GraphQL serves it: its bytes as hex (what the history hash chain covers, docs/history-chain.md). */
const historyView = (e: EventRow) => ({ ...e, raw: e.raw.toString("hex") });

function roleGrantView(row: AccountRow<"roleGrant">) {
  const d = row.data;
  return {
    ...located(row),
    ...pick(d, ["role", "holder", "active", "grantedAt", "revokedAt"]),
    grantedByProposal: Number(d.grantedByProposal),
    revokedByProposal: Number(d.revokedByProposal),
  };
}

function reviewView(e: EventRow) {
  const d = e.data ?? {};
  return {
    ...pick(e, ["changeIndex", "slot", "signature"]),
    ...pick(d, ["auditor", "outcome", "evidenceHash", "evidenceUri", "nextReviewAt", "status"]),
  };
}

function attestationView(e: EventRow) {
  const d = e.data ?? {};
  return {
    ...pick(e, ["changeIndex", "slot", "signature", "blockTime"]),
    ...pick(d, ["kind", "verifier", "evidenceHash", "evidenceUri", "stage", "endpointSetVersion"]),
  };
}

const REVERIFICATION_CAUSES = new Set(["reverificationRequired", "reverificationCompleted", "reverificationOverdue"]);

function reverificationView(e: EventRow) {
  const d = e.data ?? {};
  return {
    ...pick(e, ["changeIndex", "slot", "signature", "blockTime"]),
    what: String(d.cause)
      .replace(/^reverification/, "")
      .toLowerCase(),
    oldStatus: d.oldStatus,
    newStatus: d.newStatus,
    deadline: d.until,
    reason: d.reason,
    proposalId: Number(d.proposalId),
    actor: d.actor,
  };
}

function reportView(row: AccountRow<"deviationReport">, categories: string[]) {
  const d = row.data;
  return {
    ...located(row),
    ...pick(d, ["reporter", "windowStart", "observed", "evidenceHash", "reportedAt"]),
    category: categories[d.category] ?? null,
  };
}

/** The latest chain time the index has seen (timeTravel on a local chain moves it past the wall clock). */
function chainNow(indexer: Indexer): number {
  // The Clock the program stamped on its latest change (block times do not follow a time travel).
  return Math.max(Math.floor(Date.now() / 1000), indexer.store.latestChangeTime() ?? 0);
}

export function resolvers() {
  const snapshotOf = snapshotCache();
  const programOf = programFacts();
  return {
    Long: LongScalar,
    Query: {
      program: (_: unknown, __: unknown, { indexer }: Context) => programOf(indexer),
      registry: (_: unknown, __: unknown, { indexer }: Context) => {
        const row = registryRow(indexer);
        return row === null ? null : registryView(row);
      },
      council: (_: unknown, __: unknown, { indexer }: Context) => {
        const row = registryRow(indexer);
        return row === null ? [] : registryView(row).council;
      },
      partners: (
        _: unknown,
        args: {
          first?: number;
          after?: string;
          status?: string;
          stage?: string;
          category?: string;
          jurisdiction?: string;
          search?: string;
        },
        { indexer }: Context,
      ) => {
        const categories = categoriesOf(indexer);
        const categoryIndex =
          args.category === undefined || args.category === null ? undefined : categories.indexOf(args.category);
        const search = args.search?.toLowerCase();
        const hosts = new Map<string, string[]>();
        if (search) {
          for (const e of indexer.store.accounts("endpoint"))
            hosts.set(e.data.partner, [...(hosts.get(e.data.partner) ?? []), String(e.data.host).toLowerCase()]);
        }
        const all = indexer.store
          .accounts("partner")
          .filter((p) => !p.closed)
          .filter((p) => !args.status || p.data.status === args.status)
          .filter((p) => !args.stage || p.data.stage === args.stage)
          .filter((p) => !args.jurisdiction || p.data.jurisdiction === args.jurisdiction)
          .filter(
            (p) =>
              categoryIndex === undefined ||
              (categoryIndex >= 0 &&
                ((BigInt(p.data.trafficModel.allowedCategories) >> BigInt(categoryIndex)) & 1n) === 1n),
          )
          .filter(
            (p) =>
              !search ||
              String(p.data.legalName).toLowerCase().includes(search) ||
              (hosts.get(p.pubkey) ?? []).some((h) => h.includes(search)),
          )
          .sort((a, b) => Number(a.data.partnerId) - Number(b.data.partnerId));
        return connection("partner", all, (p) => Number(p.data.partnerId), partnerView, args);
      },
      partner: (_: unknown, args: { address?: string; id?: number }, { indexer }: Context) => {
        let row: AccountRow<"partner"> | undefined;
        if (args.address) row = indexer.store.accountOf("partner", args.address);
        else if (args.id !== undefined && args.id !== null)
          row = indexer.store.accountsWhere("partner", "partnerId", String(args.id))[0];
        return row === undefined ? null : partnerView(row);
      },
      proposals: (_: unknown, args: { status?: string; first?: number; after?: string }, { indexer }: Context) => {
        const all = indexer.store
          .accounts("proposal")
          .filter((p) => !args.status || p.data.status === args.status)
          .map(proposalView)
          .sort((a, b) => a.proposalId - b.proposalId);
        return connection(
          "proposal",
          all,
          (p) => p.proposalId,
          (p) => p,
          args,
        );
      },
      proposal: (_: unknown, args: { id?: number | null; address?: string | null }, { indexer }: Context) => {
        const row =
          args.address != null
            ? indexer.store.accountOf("proposal", args.address)
            : args.id != null
              ? indexer.store.accountBySeq("proposal", args.id)
              : undefined;
        return row === undefined ? null : proposalView(row);
      },
      history: (
        _: unknown,
        args: {
          partner?: string;
          fromSlot?: number;
          toSlot?: number;
          fromTime?: number;
          toTime?: number;
          afterChangeIndex?: number;
          first?: number;
        },
        { indexer }: Context,
      ) =>
        indexer.store
          .events({
            ...(args.partner ? { partner: args.partner } : {}),
            ...(args.fromSlot != null ? { fromSlot: args.fromSlot } : {}),
            ...(args.toSlot != null ? { toSlot: args.toSlot } : {}),
            ...(args.fromTime != null ? { fromTime: args.fromTime } : {}),
            ...(args.toTime != null ? { toTime: args.toTime } : {}),
            ...(args.afterChangeIndex != null ? { afterChangeIndex: args.afterChangeIndex } : {}),
            limit: pageSize(args.first, 100),
          })
          .map(historyView),
      transaction: (_: unknown, args: { signature: string }, { indexer }: Context) =>
        indexer.store.transaction(args.signature) ?? null,
      authorize: (
        _: unknown,
        args: { partner: string; key: string; endpoint: string; category: string },
        { indexer }: Context,
      ) => {
        const row = registryRow(indexer);
        return authorize(indexer, args, row === null ? null : registryView(row), chainNow(indexer));
      },
      status: (_: unknown, __: unknown, { indexer }: Context) => indexer.status(),
      partnerCounts: (_: unknown, __: unknown, { indexer }: Context) => {
        const counts = new Map<string, { status: string; stage: string; count: number }>();
        for (const p of indexer.store.accounts("partner")) {
          if (p.closed) continue;
          const key = `${p.data.status}/${p.data.stage}`;
          const entry = counts.get(key) ?? { status: p.data.status, stage: p.data.stage, count: 0 };
          entry.count++;
          counts.set(key, entry);
        }
        return [...counts.values()];
      },
      roles: (_: unknown, args: { role?: string | null }, { indexer }: Context) =>
        indexer.store
          .accounts("roleGrant")
          .map(roleGrantView)
          .filter((r) => !args.role || r.role === args.role)
          .sort((a, b) => Number(a.grantedAt) - Number(b.grantedAt)),
      snapshot: (_: unknown, __: unknown, { indexer }: Context) => {
        const snapshot = snapshotOf(indexer);
        if (snapshot === null) return null;
        // The registry account can count a change before the other accounts its transaction
        // wrote are stored; until the change is published, the snapshot may miss them.
        // (While the history has a gap, the accounts stream on regardless: nothing to wait for.)
        const historyIncomplete = indexer.historyIncomplete;
        const settled = snapshot.changeCount <= indexer.publishedChangeIndex || historyIncomplete !== null;
        return {
          degraded: indexer.degradation,
          historyIncomplete,
          settled,
          slot: snapshot.slot,
          changeCount: snapshot.changeCount,
          historyHead: snapshot.historyHead,
          snapshot,
        };
      },
    },
    // Every subscription is the one change stream (subscriptions.ts) with a filter; all resume
    // from fromChangeIndex or fromSlot, checked by subscription-args.ts.
    Subscription: {
      registryChanged: {
        subscribe: (_: unknown, args: ResumeArgs & { partner?: string; names?: string[] }, { indexer }: Context) => {
          const from = resumePoint(args);
          const partner = partnerAddress(args.partner);
          const names = eventNames(indexer, args.names);
          return changeStream(
            indexer,
            from,
            (e) => (partner === null || e.partner === partner) && (names === null || names.includes(e.name)),
          );
        },
        resolve: (event: EventRow) => historyView(event),
      },
      partnerChanged: {
        subscribe: (_: unknown, args: ResumeArgs & { partner: string }, { indexer }: Context) => {
          const from = resumePoint(args);
          const partner = partnerAddress(args.partner);
          return changeStream(indexer, from, (e) => e.partner === partner);
        },
        resolve: (event: EventRow) => historyView(event),
      },
      keyRevoked: {
        subscribe: (_: unknown, args: ResumeArgs & { partner?: string }, { indexer }: Context) => {
          const from = resumePoint(args);
          const partner = partnerAddress(args.partner);
          const names: readonly string[] = KEY_REVOCATION_EVENTS;
          return changeStream(
            indexer,
            from,
            (e) => names.includes(e.name) && (partner === null || e.partner === partner),
          );
        },
        resolve: (event: EventRow) => historyView(event),
      },
      proposalChanged: {
        subscribe: (_: unknown, args: ResumeArgs, { indexer }: Context) =>
          changeStream(indexer, resumePoint(args), proposalEvents(indexer)),
        resolve: (event: EventRow) => historyView(event),
      },
      // Every change, unfiltered (a node detects a skipped index), as the delta of its snapshot.
      snapshotChanged: {
        subscribe: (_: unknown, args: { fromChangeIndex: number }, { indexer }: Context) => {
          checkDeltaResume(indexer, args.fromChangeIndex);
          return changeStream(indexer, { afterChangeIndex: args.fromChangeIndex });
        },
        resolve: (event: EventRow, _: unknown, { indexer }: Context) => deltaOf(indexer, event),
      },
    },
    Partner: {
      // Resolved only when asked for: it needs the registry's category names.
      allowedCategories: (p: { trafficModel: { allowedCategories: string } }, _: unknown, { indexer }: Context) =>
        categoryNames(p.trafficModel.allowedCategories, categoriesOf(indexer)),
      endpoints: (p: { address: string; data: AccountRow<"partner">["data"] }, _: unknown, { indexer }: Context) =>
        indexer.store
          .accountsWhere("endpoint", "partner", p.address)
          .map((e) => endpointView(e, categoriesOf(indexer), p.data))
          .sort((a, b) => a.index - b.index),
      keys: (p: { address: string }, _: unknown, { indexer }: Context) =>
        indexer.store
          .accountsWhere("infraKey", "partner", p.address)
          .map(keyView)
          .sort((a, b) => a.index - b.index),
      proposals: (p: { address: string }, _: unknown, { indexer }: Context) =>
        indexer.store
          .accountsWhere("proposal", "partner", p.address)
          .map(proposalView)
          .sort((a, b) => a.proposalId - b.proposalId),
      reviews: (p: { address: string }, _: unknown, { indexer }: Context) =>
        indexer.store.events({ partner: p.address, name: "reviewRecorded" }).map(reviewView),
      attestations: (p: { address: string }, _: unknown, { indexer }: Context) =>
        indexer.store.events({ partner: p.address, name: "verificationAttested" }).map(attestationView),
      reverifications: (p: { address: string }, _: unknown, { indexer }: Context) =>
        indexer.store
          .events({ partner: p.address, name: "partnerStatusChanged" })
          .filter((e) => REVERIFICATION_CAUSES.has(String(e.data?.cause)))
          .map(reverificationView),
      reports: (p: { address: string }, _: unknown, { indexer }: Context) => {
        const categories = categoriesOf(indexer);
        return indexer.store.accountsOf("deviationReport", p.address).map((row) => reportView(row, categories));
      },
      history: (p: { address: string }, _: unknown, { indexer }: Context) =>
        indexer.store.events({ partner: p.address }).map(historyView),
    },
    Review: {
      transaction: (r: { signature: string }, _: unknown, { indexer }: Context) =>
        indexer.store.transaction(r.signature) ?? null,
    },
    Proposal: {
      description: (p: { action: object }, _: unknown, { indexer }: Context) =>
        describeAction(p.action, categoriesOf(indexer)),
      votes: (p: { proposalId: number }, _: unknown, { indexer }: Context) =>
        indexer.store.events({ name: "proposalVoted", proposalId: p.proposalId }).map(historyView),
    },
    HistoryEvent: {
      transaction: (e: { signature: string }, _: unknown, { indexer }: Context) =>
        indexer.store.transaction(e.signature) ?? null,
    },
  };
}
