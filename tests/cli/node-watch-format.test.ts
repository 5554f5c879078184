// `lume node watch` lines for status changes and attestations say what happened (issue 17:
// re-verifications required, completed and overdue show where node operators look).
import assert from "node:assert/strict";
import { formatChange } from "../../app/src/cli/lume/node-watch.js";

const change = (name: string, data: unknown) => ({
  changeIndex: 41,
  slot: 900,
  signature: "sig",
  blockTime: null,
  name,
  partner: "P",
  data,
});

describe("lume node watch: change lines", () => {
  it("a status change names its cause, the statuses and the deadline", () => {
    const data = { cause: "reverificationRequired", oldStatus: "active", newStatus: "underAudit", until: "1767225600" };
    assert.equal(
      formatChange(change("partnerStatusChanged", data)),
      "#41 slot 900  partner status changed (reverification required: active -> underAudit, until 2026-01-01T00:00:00Z)  partner P  tx sig",
    );
    const completed = { cause: "reverificationCompleted", oldStatus: "underAudit", newStatus: "active", until: "0" };
    assert.match(
      formatChange(change("partnerStatusChanged", completed)),
      /partner status changed \(reverification completed: underAudit -> active\) {2}partner P/,
    );
  });

  it("an attestation after admission reads as a re-verification, with its evidence", () => {
    const data = { kind: "technical", stage: "admitted", evidenceUri: "https://auditor.example/a.pdf" };
    assert.match(
      formatChange(change("verificationAttested", data)),
      /verification attested \(technical re-verification, evidence https:\/\/auditor\.example\/a\.pdf\) {2}partner P/,
    );
    assert.match(
      formatChange(change("verificationAttested", { ...data, stage: "technicallyVerified" })),
      /verification attested \(technical, evidence/,
    );
  });

  it("other changes stay one name", () => {
    assert.equal(formatChange(change("partnerApplied", {})), "#41 slot 900  partner applied  partner P  tx sig");
  });
});
