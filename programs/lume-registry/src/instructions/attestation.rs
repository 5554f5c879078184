//! Shared logic of `attest_legal` and `attest_technical`: an accredited
//! verifier records the result of a verification with its evidence bundle,
//! moving the partner one admission stage on (legal, then technical). A
//! technical audit attests an endpoint set, not a partner: it records the set's
//! version, and a set changed since then can be attested again (the council
//! cannot admit a set no auditor saw).

use crate::context::{check_token, partner_mut, registry_mut, require_role, touch};
use crate::errors::RegistryError;
use crate::events::{AttestationKind, VerificationAttested};
use crate::history;
use crate::interface::borsh_reader::BoundedStr;
use crate::interface::borsh_writer::Text;
use crate::interface::pod::{PodI64, PodU32, Stored};
use crate::runtime;
use crate::state::{AdmissionStage, PartnerStatus, Role};
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
    let (role, from, to) = match kind {
        AttestationKind::Legal => (Role::LegalVerifier, AdmissionStage::Applied, AdmissionStage::LegalVerified),
        AttestationKind::Technical => {
            (Role::TechnicalAuditor, AdmissionStage::LegalVerified, AdmissionStage::TechnicallyVerified)
        }
    };
    require_role(&accounts.role_grant, &accounts.verifier, role)?;
    let partner_address = *accounts.partner.address();
    let mut registry = registry_mut(&mut accounts.registry)?;
    let mut partner_data = partner_mut(&mut accounts.partner)?;
    let partner = &mut *partner_data;
    let reattesting_changed_set = matches!(kind, AttestationKind::Technical)
        && partner.stage.is(to)
        && partner.technical_endpoint_set_version != partner.endpoint_set_version;
    if !partner.stage.is(from) && !reattesting_changed_set {
        return Err(RegistryError::WrongAdmissionStage.into());
    }
    // Revocation is final: a revoked applicant is attested no further.
    if partner.status.is(PartnerStatus::Revoked) {
        return Err(RegistryError::WrongPartnerStatus.into());
    }
    check_token(args.evidence_uri.as_bytes())?;

    let now = runtime::now();
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
    let revision = touch(partner, now.unix_timestamp)?;

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
    history::record(&mut registry.history, &accounts.events, &now, &event)
}
