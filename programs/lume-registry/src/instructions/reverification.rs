//! Verification after admission: the council (RequireReverification) or the
//! deviation threshold records re-verifications a partner owes, and each
//! attestation clears one. While any is pending the partner is never active:
//! an active partner goes under audit (a suspended one returns under audit),
//! and it returns to the status it had before once the last is attested.

use crate::interface::pod::Stored;
use crate::state::{Partner, PartnerStatus};

/// Where the partner's standing is kept: its status, or while suspended the
/// status it returns to.
fn standing(partner: &mut Partner) -> &mut Stored<PartnerStatus> {
    if partner.status.is(PartnerStatus::Suspended) {
        &mut partner.status_before_suspension
    } else {
        &mut partner.status
    }
}

/// Adds `checks` to the partner's pending re-verifications. `deadline` 0
/// keeps the deadline of checks already pending (a first check needs one).
#[inline(never)]
pub fn require(partner: &mut Partner, checks: u8, deadline: i64) {
    let first = partner.pending_checks == 0;
    let standing = *standing(partner);
    if first {
        partner.status_before_reverification = standing;
    }
    partner.pending_checks |= checks;
    if deadline != 0 || first {
        partner.reverification_deadline.set(deadline);
    }
    if standing.is(PartnerStatus::Active) {
        *self::standing(partner) = Stored::new(PartnerStatus::UnderAudit);
    }
}

/// Clears `check`; when it was the last, the partner's standing returns from
/// under audit to what it was before. Returns whether it was the last.
#[inline(always)]
pub fn attested(partner: &mut Partner, check: u8) -> bool {
    partner.pending_checks &= !check;
    if partner.pending_checks != 0 {
        return false;
    }
    let before = partner.status_before_reverification;
    partner.reverification_deadline.set(0);
    let standing = standing(partner);
    if standing.is(PartnerStatus::UnderAudit) {
        *standing = before;
    }
    true
}
