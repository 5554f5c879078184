//! `report_deviation`: a reporting node reports a partner's traffic leaving
//! its declared model. Each node counts once per partner per window; reaching
//! the policy's threshold within the window requires a technical
//! re-verification, which puts an active partner under audit automatically.

use crate::arithmetic::{after, increment_u16};
use crate::errors::RegistryError;
use crate::events::DeviationReported;
use crate::history;
use crate::instructions::reverification;
use crate::interface::pod::{PodI64, PodU16, PodU32, PodU64};
use crate::runtime;
use crate::state::account::{init, partner_mut, registry_mut};
use crate::state::partner::CHECK_TECHNICAL;
use crate::state::{seeds, AdmissionStage, DeviationReport, PartnerStatus, Role};
use crate::system::create_pda;
use crate::validation::authority::require_role;
use pinocchio::{account::AccountView, ProgramResult};

crate::instruction_accounts! {
    /// Reports a deviation (reporting-node role); creates
    /// `["deviation", partner, reporter, window_start]`, where `window_start`
    /// is the partner's current window start, or now when that window is over.
    pub struct Accounts {
        registry: [writable],
        partner: [writable],
        /// The new report PDA.
        report: [writable],
        /// The reporting node; pays for the report.
        reporter: [writable, signer],
        /// The node's grant `["role", ReportingNode, reporter]`.
        role_grant: [],
        system_program: [; address = crate::SYSTEM_PROGRAM_ID],
    }
}

crate::instruction_args! {
    pub struct Args<'a> {
        /// Catalogue index of the request category concerned.
        pub category: u8,
        /// The observed figure.
        pub observed: u64,
        /// SHA-256 of the node's evidence (logs, measurements).
        pub evidence_hash: [u8; 32],
    }
}

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let mut accounts = Accounts::parse(accounts)?;
    let args = Args::decode(data)?;
    require_role(&accounts.role_grant, &accounts.reporter, Role::ReportingNode)?;
    let partner_address = *accounts.partner.address();
    let mut registry = registry_mut(&mut accounts.registry)?;
    if args.category >= registry.category_count {
        return Err(RegistryError::UnknownCategory.into());
    }
    let mut partner = partner_mut(&mut accounts.partner)?;
    if !partner.stage.is(AdmissionStage::Admitted) || partner.status.is(PartnerStatus::Revoked) {
        return Err(RegistryError::WrongPartnerStatus.into());
    }

    let now = runtime::now();
    let window_end = after(partner.deviation_window_start.get(), registry.policy.deviation_window_seconds.get())?;
    if now.unix_timestamp >= window_end {
        partner.deviation_window_start = PodI64::new(now.unix_timestamp);
        partner.deviation_count = PodU16::new(0);
    }
    let window_seed = partner.deviation_window_start.get().to_le_bytes();
    if !accounts.report.is_data_empty() {
        return Err(RegistryError::AlreadyReported.into());
    }
    let bump = create_pda::<DeviationReport>(
        &accounts.reporter,
        &accounts.report,
        &[seeds::DEVIATION, partner_address.as_ref(), accounts.reporter.address().as_ref(), &window_seed],
    )?;
    let mut report = init::<DeviationReport>(&mut accounts.report)?;
    report.layout_version = 1;
    report.bump = bump;
    report.partner = partner_address;
    report.reporter = *accounts.reporter.address();
    report.window_start = partner.deviation_window_start;
    report.category = args.category;
    report.observed = PodU64::new(args.observed);
    report.evidence_hash = args.evidence_hash;
    report.reported_at = PodI64::new(now.unix_timestamp);

    let count = increment_u16(partner.deviation_count.get())?;
    partner.deviation_count = PodU16::new(count);
    if count >= registry.policy.deviation_threshold.get() && partner.pending_checks & CHECK_TECHNICAL == 0 {
        // The threshold requires a technical audit, due within the policy's review grace:
        // an active partner goes under audit (a suspended one returns under audit) until
        // an auditor attests it.
        let deadline = after(now.unix_timestamp, registry.policy.review_grace_seconds.get())?;
        reverification::require(&mut partner, CHECK_TECHNICAL, deadline);
    }
    let revision = partner.touch(now.unix_timestamp)?;
    let event = DeviationReported {
        partner: partner_address,
        reporter: *accounts.reporter.address(),
        category: args.category,
        observed: PodU64::new(args.observed),
        evidence_hash: args.evidence_hash,
        window_start: partner.deviation_window_start,
        deviation_count: PodU16::new(count),
        status: partner.status,
        revision: PodU32::new(revision),
    };
    history::record(&mut registry.history, &accounts.events, &now, &event)
}
