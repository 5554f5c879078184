//! Shared logic of `attest_legal` and `attest_technical`: an accredited
//! verifier records the result of a verification with its evidence bundle,
//! moving the partner one admission stage on (legal, then technical). A
//! technical audit attests an endpoint set, not a partner: it records the set's
//! version, and a set changed since then can be attested again (the council
//! cannot admit a set no auditor saw). After admission, verifiers attest
//! the re-verifications the partner owes (see `reverification.rs`), and a
//! technical auditor attests endpoints added or changed since the last audit
//! (they are pending audit until then).

use crate::errors::RegistryError;
use crate::events::{AttestationKind, PartnerStatusChanged, StatusCause, VerificationAttested};
use crate::history;
use crate::instructions::reverification;
use crate::interface::borsh_reader::BoundedStr;
use crate::interface::borsh_writer::Text;
use crate::interface::pod::{PodI64, PodU32, PodU64, Stored};
use crate::runtime;
use crate::state::account::{partner_mut, registry_mut};
use crate::state::partner::{CHECK_LEGAL, CHECK_TECHNICAL};
use crate::state::{AdmissionStage, PartnerStatus, Role};
use crate::validation::authority::require_role;
use crate::validation::text::check_token;
use pinocchio::{account::AccountView, ProgramResult};

crate::instruction_accounts! {
    /// Accounts of `attest_legal` and `attest_technical`.
    pub struct Accounts {
        registry: [writable],
        partner: [writable],
        /// The accredited verifier.
        verifier: [signer],
        /// The verifier's grant `["role", role, verifier]`.
        role_grant: [],
    }
}

crate::instruction_args! {
    pub struct Args<'a> {
        /// SHA-256 of the verification report bundle.
        pub evidence_hash: [u8; 32],
        /// Where the bundle can be fetched.
        pub evidence_uri: BoundedStr<'a, 127>,
    }
}

/// Records an attestation of `kind` for the partner. Inlined (its arguments
/// take more registers than a BPF call passes); the body is shared.
#[inline(always)]
pub fn attest(accounts: &mut [AccountView], data: &[u8], kind: AttestationKind) -> ProgramResult {
    let mut accounts = Accounts::parse(accounts)?;
    let args = Args::decode(data)?;
    attest_parsed(&mut accounts, &args, kind)
}

/// The checks and changes of `attest`, one copy for both kinds (inlined into
/// both instructions it was about 2.9 KB twice).
#[inline(never)]
fn attest_parsed(accounts: &mut Accounts, args: &Args, kind: AttestationKind) -> ProgramResult {
    let (role, from, to, check) = match kind {
        AttestationKind::Legal => {
            (Role::LegalVerifier, AdmissionStage::Applied, AdmissionStage::LegalVerified, CHECK_LEGAL)
        }
        AttestationKind::Technical => (
            Role::TechnicalAuditor,
            AdmissionStage::LegalVerified,
            AdmissionStage::TechnicallyVerified,
            CHECK_TECHNICAL,
        ),
    };
    require_role(&accounts.role_grant, &accounts.verifier, role)?;
    let partner_address = *accounts.partner.address();
    let mut registry = registry_mut(&mut accounts.registry)?;
    let mut partner_data = partner_mut(&mut accounts.partner)?;
    let partner = &mut *partner_data;
    let now = runtime::now();
    let set_changed = matches!(kind, AttestationKind::Technical)
        && partner.technical_endpoint_set_version != partner.endpoint_set_version;
    let admitted = partner.stage.is(AdmissionStage::Admitted);
    let pending = admitted && partner.pending_checks & check != 0;
    // Revocation is final: a revoked applicant or partner is attested no further.
    let revoked = partner.status.is(PartnerStatus::Revoked);
    let to = if admitted {
        if revoked {
            return Err(RegistryError::WrongPartnerStatus.into());
        }
        // After admission: a re-verification the partner owes, or (technical) an
        // endpoint set changed since the last audit.
        if pending && now.unix_timestamp > partner.reverification_deadline.get() {
            return Err(RegistryError::ReverificationDeadlinePassed.into());
        }
        if !pending && !set_changed {
            return Err(RegistryError::NoPendingCheck.into());
        }
        AdmissionStage::Admitted
    } else {
        if !(partner.stage.is(from) || set_changed && partner.stage.is(to)) {
            return Err(RegistryError::WrongAdmissionStage.into());
        }
        if revoked {
            return Err(RegistryError::WrongPartnerStatus.into());
        }
        to
    };
    check_token(args.evidence_uri.as_bytes())?;

    let verifier = *accounts.verifier.address();
    let (who, evidence, at) = match kind {
        AttestationKind::Legal => {
            (&mut partner.legal_verifier, &mut partner.legal_evidence, &mut partner.legal_attested_at)
        }
        AttestationKind::Technical => {
            (&mut partner.technical_auditor, &mut partner.technical_evidence, &mut partner.technical_attested_at)
        }
    };
    *who = verifier;
    evidence.hash = args.evidence_hash;
    evidence.uri.assign(args.evidence_uri.as_bytes())?;
    *at = PodI64::new(now.unix_timestamp);
    if matches!(kind, AttestationKind::Technical) {
        partner.technical_endpoint_set_version = partner.endpoint_set_version;
    }
    partner.stage = Stored::new(to);
    let old_status = partner.status;
    let completed = pending && reverification::attested(partner, check);
    let revision = partner.touch(now.unix_timestamp)?;

    let event = VerificationAttested {
        partner: partner_address,
        kind,
        verifier,
        evidence_hash: args.evidence_hash,
        evidence_uri: Text(args.evidence_uri.as_bytes()),
        stage: Stored::new(to),
        revision: PodU32::new(revision),
        endpoint_set_version: partner.endpoint_set_version,
    };
    history::record(&mut registry.history, &accounts.events, &now, &event)?;
    if !completed {
        return Ok(());
    }
    let event = PartnerStatusChanged {
        partner: partner_address,
        old_status,
        new_status: partner.status,
        cause: StatusCause::ReverificationCompleted,
        actor: verifier,
        proposal_id: PodU64::new(0),
        until: PodI64::new(0),
        reason: Text(b""),
        revision: PodU32::new(revision),
    };
    history::record(&mut registry.history, &accounts.events, &now, &event)
}
