// The GraphQL schema (schema-first; resolvers in resolvers.ts stay thin over the store).
export const typeDefs = /* GraphQL */ `
  "Any JSON value (decoded account or event fields; u64/i64 as decimal strings)."
  scalar JSON
  "A 64-bit integer (slot, change index, lamports, unix time) as a JSON number, exact up to 2^53 − 1."
  scalar Long

  type Query {
    "The registry configuration account."
    registry: Registry
    "Who can change the registry program's code, and which bytecode runs (read live from its ProgramData; null when the program is not deployed under the upgradeable loader)."
    program: Program
    "The current council members."
    council: [String!]!
    "Partners ordered by id, filtered, Relay-style cursor pagination (first ≤ 100)."
    partners(first: Int = 20, after: String, status: String, stage: String, category: String, jurisdiction: String, search: String): PartnerConnection!
    "One partner by address or id."
    partner(address: String, id: Long): Partner
    "Proposals ordered by id, optionally by status (open, approved, executed, rejected, cancelled), Relay-style cursor pagination (first ≤ 100)."
    proposals(status: String, first: Int = 20, after: String): ProposalConnection!
    "One proposal by id or address."
    proposal(id: Long, address: String): Proposal
    "Registry history (events in change order) by partner, slot range and/or time range (block time, unix seconds, inclusive)."
    history(partner: String, fromSlot: Long, toSlot: Long, fromTime: Long, toTime: Long, afterChangeIndex: Long, first: Int = 100): [HistoryEvent!]!
    transaction(signature: String!): Transaction
    "May this partner's key serve this endpoint for this category, per the indexed state?"
    authorize(partner: String!, key: String!, endpoint: String!, category: String!): Authorization!
    status: IndexerStatus!
    "What a node needs to authorize requests (the SDK's RegistrySnapshot), with the history head to check against the chain."
    snapshot: NodeSnapshot
    "How many partners are in each (status, stage) pair."
    partnerCounts: [PartnerCount!]!
    "Role grants (active and revoked), optionally of one role (legalVerifier, technicalAuditor, auditor, guardian, reportingNode)."
    roles(role: String): [RoleGrant!]!
  }

  type PartnerCount {
    status: String!
    stage: String!
    count: Int!
  }

  type RoleGrant {
    address: String!
    slot: Long!
    role: String!
    holder: String!
    active: Boolean!
    grantedByProposal: Long!
    "Unix seconds (decimal string)."
    grantedAt: String!
    "0 while active."
    revokedByProposal: Long!
    revokedAt: String!
  }

  type NodeSnapshot {
    "Non-null while the account state may be stale: nodes must not rely on the snapshot then."
    degraded: String
    "Non-null while the stored history misses changes (being fetched): the account state is still fresh."
    historyIncomplete: String
    "False for the moment the newest change's accounts are still being read (the snapshot may miss them): load again shortly."
    settled: Boolean!
    slot: Long!
    changeCount: Long!
    historyHead: String!
    "RegistrySnapshot (app/src/sdk/snapshot.ts), formatVersion 2."
    snapshot: JSON!
  }

  """
  Changes as they land, each with its slot. Resume after a reconnect with fromChangeIndex (the last
  change index you saw: replays the ones after it) or fromSlot (replays every change at or after
  that slot), never both; then live ones follow, with no gap and no repeat. Over graphql-ws or SSE.
  """
  type Subscription {
    "Every registry change, in order; partner (base58 address) and names (event names, e.g. keyRevoked) narrow it."
    registryChanged(fromChangeIndex: Long, fromSlot: Long, partner: String, names: [String!]): HistoryEvent!
    "Every change of one partner (its application, endpoints, keys, status, reviews, reports)."
    partnerChanged(partner: String!, fromChangeIndex: Long, fromSlot: Long): HistoryEvent!
    "Key revocations (keyRevoked events), of every partner or of one."
    keyRevoked(partner: String, fromChangeIndex: Long, fromSlot: Long): HistoryEvent!
    "Proposals: proposalCreated, proposalVoted, proposalCancelled, and executions (the action's event, with its proposalId). Expiry leaves no event: a proposal expires by the clock (its expiresAt)."
    proposalChanged(fromChangeIndex: Long, fromSlot: Long): HistoryEvent!
    "Every change after fromChangeIndex (a snapshot's changeCount), as the delta a node applies to its snapshot (app/src/sdk/snapshot-delta.ts); a resume point older than the indexer's retention is refused with RESUME_POINT_EXPIRED."
    snapshotChanged(fromChangeIndex: Long!): SnapshotDelta!
  }

  "One change as a snapshot delta: apply in changeIndex order; a skipped index means: load the full snapshot."
  type SnapshotDelta {
    changeIndex: Long!
    slot: Long!
    "The event's bytes, hex: the node extends the history head with sha256(head || raw)."
    raw: String!
    "The registry's categories and reviewGraceSeconds, when the change may move them (else null)."
    registry: JSON
    "The full snapshot entries (SnapshotPartner) of the partners the change names, as stored."
    partners: JSON!
  }

  type Program {
    programId: String!
    "The upgradeable loader's account holding the bytecode and the upgrade authority."
    programData: String!
    "Who may replace the bytecode; null when the program is immutable."
    upgradeAuthority: String
    "council (the registry's PDA with seed upgrade_authority), key (a key the operators hold) or immutable."
    upgradeAuthorityHolder: String!
    "True when upgradeAuthority is the registry's PDA with seed upgrade_authority, the address the council's handover will use."
    authorityIsCouncil: Boolean!
    "Hex SHA-256 of the deployed ELF without the loader's zero padding (compare with the README's build hash)."
    executableSha256: String!
    executableLength: Int!
    "The slot of the last deploy or upgrade."
    lastUpgradeSlot: Long!
  }

  type Registry {
    address: String!
    slot: Long!
    council: [String!]!
    councilEpoch: Int!
    threshold: Int!
    timeLockSeconds: Int!
    policy: JSON!
    categories: [String!]!
    partnerCount: String!
    proposalCount: String!
    changeCount: String!
    historyHead: String!
    createdAt: String!
  }

  type PartnerConnection {
    edges: [PartnerEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type PartnerEdge {
    cursor: String!
    node: Partner!
  }
  type ProposalConnection {
    edges: [ProposalEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type ProposalEdge {
    cursor: String!
    node: Proposal!
  }
  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Partner {
    address: String!
    slot: Long!
    closed: Boolean!
    partnerId: Long!
    authority: String!
    legalName: String!
    jurisdiction: String!
    stage: String!
    status: String!
    trafficModel: JSON!
    allowedCategories: [String!]!
    revision: Int!
    endpointSetVersion: Int!
    "The endpoint-set version the last technical audit attested: endpoints changed after it are pending audit."
    technicalEndpointSetVersion: Int!
    "Re-verifications the partner owes since admission (legal, technical); empty = none."
    pendingChecks: [String!]!
    "When the pending checks are due (unix seconds, decimal string; 0 = none pending); after it nodes refuse the partner."
    reverificationDeadline: String!
    "The status the partner returns to once every pending check is attested (null when none is pending)."
    statusAfterReverification: String
    keySetVersion: Int!
    admittedAt: String!
    nextReviewAt: String!
    endpoints: [Endpoint!]!
    keys: [InfraKey!]!
    proposals: [Proposal!]!
    "Periodic reviews recorded by auditors (ReviewRecorded events), oldest first."
    reviews: [Review!]!
    "Deviation reports filed by reporting nodes (one account per node and window)."
    reports: [DeviationReport!]!
    "Legal and technical attestations (VerificationAttested events) with their evidence, oldest first: admission and every re-verification."
    attestations: [Attestation!]!
    "Re-verifications required (by the council), completed and overdue (PartnerStatusChanged events), oldest first."
    reverifications: [Reverification!]!
    history: [HistoryEvent!]!
    data: JSON!
  }

  type Attestation {
    changeIndex: Long!
    slot: Long!
    signature: String!
    blockTime: Long
    "legal or technical"
    kind: String!
    verifier: String!
    evidenceHash: String!
    evidenceUri: String!
    "The admission stage after it (admitted for a re-verification)."
    stage: String!
    "The endpoint-set version it covered (what a technical audit attests)."
    endpointSetVersion: Int!
  }

  type Reverification {
    changeIndex: Long!
    slot: Long!
    signature: String!
    blockTime: Long
    "required (an executed RequireReverification), completed (the last pending check attested) or overdue (the crank, past the deadline)"
    what: String!
    oldStatus: String!
    newStatus: String!
    "The deadline (unix seconds, decimal string) for required and overdue; 0 for completed."
    deadline: String!
    reason: String!
    "The proposal that required it (0 otherwise)."
    proposalId: Long!
    "The executor, verifier or crank signer."
    actor: String!
  }

  type Review {
    changeIndex: Long!
    slot: Long!
    signature: String!
    auditor: String!
    "passed, concerns or failed"
    outcome: String!
    evidenceHash: String!
    evidenceUri: String!
    "Unix seconds (decimal string)."
    nextReviewAt: String!
    "The partner's status after the review."
    status: String!
    transaction: Transaction
  }

  type DeviationReport {
    address: String!
    slot: Long!
    reporter: String!
    "Start of the deviation window (unix seconds, decimal string)."
    windowStart: String!
    "The category the deviation was observed in (null if the registry no longer has it)."
    category: String
    observed: String!
    evidenceHash: String!
    reportedAt: String!
  }

  type Endpoint {
    address: String!
    slot: Long!
    index: Int!
    host: String!
    port: Int!
    protocol: String!
    categories: [String!]!
    status: String!
    "Endpoint-set version in which it was added or last changed."
    changedInVersion: Int!
    "Added or changed after admission and not yet covered by a technical audit: nodes refuse requests to it."
    pendingAudit: Boolean!
  }

  type InfraKey {
    address: String!
    slot: Long!
    index: Int!
    "The key as base58."
    publicKey: String!
    status: String!
    validFrom: String!
    validUntil: String!
    graceUntil: String!
    "Endpoint indices the key may serve; empty = all."
    endpoints: [Int!]!
    revocationReason: String!
  }

  type Proposal {
    address: String!
    slot: Long!
    proposalId: Long!
    proposer: String!
    partner: String!
    status: String!
    action: JSON!
    approvalCount: Int!
    rejectionCount: Int!
    createdAt: String!
    expiresAt: String!
    "The votes, from history (who, when, in which transaction)."
    votes: [HistoryEvent!]!
    "The action in words (the lume CLI's wording)."
    description: String!
    councilEpoch: Int!
    "When the threshold was reached (unix seconds, decimal string; 0 before): execution opens after the time lock."
    approvedAt: String!
    "0 until executed."
    executedAt: String!
    "Who sent the execution (null until executed)."
    executedBy: String
    "The proposal's supporting evidence: hash (hex) and URI."
    evidence: JSON!
  }

  type HistoryEvent {
    changeIndex: Long!
    "The ledger slot of the transaction (as JSON-RPC reports it; data.change.slot is the program's Clock slot, the same on a real cluster)."
    slot: Long!
    signature: String!
    "Unix seconds of the block (the program's Clock)."
    blockTime: Long
    "The event's bytes as emitted, hex (discriminator + Borsh fields): head(n) = sha256(head(n-1) || raw), head(0) = 32 zero bytes; docs/history-chain.md."
    raw: String!
    name: String!
    partner: String
    data: JSON
    transaction: Transaction
  }

  type Transaction {
    signature: String!
    slot: Long!
    blockTime: Long
    ok: Boolean!
    "The chain's TransactionError of a failed transaction, as JSON."
    err: JSON
    "The registry's own error when it refused the transaction (from the IDL)."
    programError: ProgramError
    signers: [String!]!
    instructions: JSON!
  }

  type ProgramError {
    code: Int!
    name: String!
    message: String!
  }

  type Authorization {
    allowed: Boolean!
    reason: String!
    "The indexed slot the answer is based on."
    slot: Long!
    degraded: Boolean!
  }

  type Checkpoint {
    source: String!
    slot: Long!
    signature: String
  }

  type IndexerStatus {
    "The newest slot a stored row reflects."
    indexedSlot: Long!
    chainSlot: Long!
    "Chain slot minus syncedSlot (0 while a healthy stream idles)."
    lag: Long!
    "The slot the index is known complete at: its newest row, or the chain slot last seen while healthy."
    syncedSlot: Long!
    "The chain's finalized slot as last polled; rows at or below it are marked finalized (null when indexing at finalized)."
    finalizedSlot: Long
    "Non-null while the account state may be stale (the chain not read yet or not for a while, the stream closed, a failed write): authorize refuses and /healthz answers 503."
    degraded: String
    "Non-null while the stored history misses changes or is being rebuilt (fetched by itself meanwhile): history answers may miss changes; account state is still served."
    historyIncomplete: String
    eventCount: Long!
    contiguousChangeIndex: Long!
    onChainChangeCount: Long
    decodeErrors: Int!
    checkpoints: [Checkpoint!]!
  }
`;
