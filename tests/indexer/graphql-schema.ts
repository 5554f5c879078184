// The object types of the indexer's GraphQL schema (indexer/src/api/schema.graphql.ts) that the
// tests read, as TypeScript, field for field: a test types each answer as the fields it selects
// (`Pick<Partner, "partnerId" | "status">`), so a field renamed in the schema and here makes tsc
// name every test that still reads the old one; graphql-schema.test.ts checks the copy against the
// schema (the same fields, nullable in the same places). Scalars: Long is a JSON number; JSON fields carry
// the decoded data as the IDL types it (indexer/src/store/row-data.ts) where the schema says whose.
import type { RegistrySnapshot } from "../../app/src/sdk/snapshot.js";
import type { Json } from "../../indexer/src/decoder/normalize.js";
import type { AccountData, AnyOf, EventData } from "../../indexer/src/store/row-data.js";

type Long = number;

export interface Registry {
  address: string;
  slot: Long;
  council: string[];
  councilEpoch: number;
  threshold: number;
  timeLockSeconds: number;
  policy: AccountData<"registry">["policy"];
  categories: string[];
  partnerCount: string;
  proposalCount: string;
  changeCount: string;
  historyHead: string;
  createdAt: string;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** PartnerConnection and ProposalConnection, with the node's selected fields. */
export interface Connection<Node> {
  edges: { cursor: string; node: Node }[];
  pageInfo: PageInfo;
  totalCount: number;
}

export interface Partner {
  address: string;
  slot: Long;
  closed: boolean;
  partnerId: Long;
  authority: string;
  legalName: string;
  jurisdiction: string;
  stage: string;
  status: string;
  trafficModel: AccountData<"partner">["trafficModel"];
  allowedCategories: string[];
  revision: number;
  endpointSetVersion: number;
  technicalEndpointSetVersion: number;
  pendingChecks: string[];
  reverificationDeadline: string;
  statusAfterReverification: string | null;
  keySetVersion: number;
  admittedAt: string;
  nextReviewAt: string;
  endpoints: Endpoint[];
  keys: InfraKey[];
  proposals: Proposal[];
  reviews: Review[];
  reports: DeviationReport[];
  attestations: Attestation[];
  reverifications: Reverification[];
  history: HistoryEvent[];
  data: AccountData<"partner">;
}

export interface Attestation {
  changeIndex: Long;
  slot: Long;
  signature: string;
  blockTime: Long | null;
  kind: string;
  verifier: string;
  evidenceHash: string;
  evidenceUri: string;
  stage: string;
  endpointSetVersion: number;
}

export interface Reverification {
  changeIndex: Long;
  slot: Long;
  signature: string;
  blockTime: Long | null;
  what: string;
  oldStatus: string;
  newStatus: string;
  deadline: string;
  reason: string;
  proposalId: Long;
  actor: string;
}

export interface Review {
  changeIndex: Long;
  slot: Long;
  signature: string;
  auditor: string;
  outcome: string;
  evidenceHash: string;
  evidenceUri: string;
  nextReviewAt: string;
  status: string;
  transaction: Transaction | null;
}

export interface DeviationReport {
  address: string;
  slot: Long;
  reporter: string;
  windowStart: string;
  category: string | null;
  observed: string;
  evidenceHash: string;
  reportedAt: string;
}

export interface Endpoint {
  address: string;
  slot: Long;
  index: number;
  host: string;
  port: number;
  protocol: string;
  categories: string[];
  status: string;
  changedInVersion: number;
  pendingAudit: boolean;
}

export interface InfraKey {
  address: string;
  slot: Long;
  index: number;
  publicKey: string;
  status: string;
  validFrom: string;
  validUntil: string;
  graceUntil: string;
  endpoints: number[];
  revocationReason: string;
}

export interface Proposal {
  address: string;
  slot: Long;
  proposalId: Long;
  proposer: string;
  partner: string;
  status: string;
  action: AccountData<"proposal">["action"];
  approvalCount: number;
  rejectionCount: number;
  createdAt: string;
  expiresAt: string;
  votes: HistoryEvent<EventData<"proposalVoted">>[];
  description: string;
  councilEpoch: number;
  approvedAt: string;
  executedAt: string;
  executedBy: string | null;
  evidence: AccountData<"proposal">["evidence"];
}

/** `Data`: the fields of the events the query can answer with (any event's by default). */
export interface HistoryEvent<Data = AnyOf<EventData>> {
  changeIndex: Long;
  slot: Long;
  signature: string;
  blockTime: Long | null;
  raw: string;
  name: string;
  partner: string | null;
  data: Data | null;
  transaction: Transaction | null;
}

export interface Transaction {
  signature: string;
  slot: Long;
  blockTime: Long | null;
  ok: boolean;
  err: Json | null;
  programError: { code: number; name: string; message: string } | null;
  signers: string[];
  instructions: Json;
}

export interface Authorization {
  allowed: boolean;
  reason: string;
  slot: Long;
  degraded: boolean;
}

export interface IndexerStatus {
  indexedSlot: Long;
  chainSlot: Long;
  lag: Long;
  syncedSlot: Long;
  finalizedSlot: Long | null;
  degraded: string | null;
  historyIncomplete: string | null;
  eventCount: Long;
  contiguousChangeIndex: Long;
  onChainChangeCount: Long | null;
  decodeErrors: number;
  checkpoints: { source: string; slot: Long; signature: string | null }[];
}

export interface NodeSnapshot {
  degraded: string | null;
  historyIncomplete: string | null;
  settled: boolean;
  slot: Long;
  changeCount: Long;
  historyHead: string;
  snapshot: RegistrySnapshot;
}
