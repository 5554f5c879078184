//! `apply`: an organisation applies to become a partner. Creates the partner
//! at the next partner number with its identity commitments, evidence and
//! declared traffic model; nothing is usable until the council admits it.

use crate::errors::RegistryError;
use crate::events::PartnerApplied;
use crate::history;
use crate::interface::borsh_reader::BoundedStr;
use crate::interface::borsh_writer::Text;
use crate::interface::pod::{PodI64, PodU32, PodU64, Stored};
use crate::runtime;
use crate::state::account::{init, registry_mut};
use crate::state::{seeds, AdmissionStage, Partner, PartnerStatus, TrafficModel};
use crate::system::create_pda;
use crate::validation::arguments::check_traffic_model;
use crate::validation::text::{check_name, check_token};
use pinocchio::{account::AccountView, ProgramResult};

crate::instruction_accounts! {
    /// Applies for partnership: creates the partner `["partner", registry.partner_count]`
    /// with its identity commitments and declared traffic model. Signed by the
    /// organisation's own authority key, which pays for the account.
    pub struct Accounts {
        registry: [writable],
        /// The new partner PDA `["partner", partner_id as u64 LE]`.
        partner: [writable],
        /// The partner's authority (admin key) and payer.
        authority: [writable, signer],
        system_program: [; address = crate::SYSTEM_PROGRAM_ID],
    }
}

crate::instruction_args! {
    pub struct Args<'a> {
        /// Registered legal name (1 to 63 bytes).
        pub legal_name: BoundedStr<'a, 63>,
        /// Jurisdiction code, ISO 3166 (e.g. "DE", "US-CA").
        pub jurisdiction: BoundedStr<'a, 15>,
        /// SHA-256 of the legal entity identifier.
        pub legal_entity_id_hash: [u8; 32],
        /// SHA-256 of the owners/licences/compliance evidence bundle.
        pub evidence_hash: [u8; 32],
        /// Where that bundle can be fetched.
        pub evidence_uri: BoundedStr<'a, 127>,
        /// Declared traffic model.
        pub traffic_model: TrafficModel,
    }
}

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let mut accounts = Accounts::parse(accounts)?;
    let args = Args::decode(data)?;
    let mut registry_data = registry_mut(&mut accounts.registry)?;
    let registry = &mut *registry_data;

    check_name(args.legal_name.as_bytes())?;
    check_token(args.jurisdiction.as_bytes())?;
    check_token(args.evidence_uri.as_bytes())?;
    check_traffic_model(&args.traffic_model, registry.catalogue_mask())?;

    let partner_id = registry.partner_count.get();
    let id_seed = partner_id.to_le_bytes();
    let bump = create_pda::<Partner>(&accounts.authority, &accounts.partner, &[seeds::PARTNER, &id_seed])?;
    registry.partner_count = PodU64::new(partner_id.checked_add(1).ok_or(RegistryError::ArithmeticOverflow)?);

    let now = runtime::now();
    let partner_address = *accounts.partner.address();
    let mut partner_data = init::<Partner>(&mut accounts.partner)?;
    let partner = &mut *partner_data;
    partner.layout_version = 1;
    partner.bump = bump;
    partner.partner_id = PodU64::new(partner_id);
    partner.authority = *accounts.authority.address();
    partner.legal_name.assign(args.legal_name.as_bytes())?;
    partner.jurisdiction.assign(args.jurisdiction.as_bytes())?;
    partner.legal_entity_id_hash = args.legal_entity_id_hash;
    partner.application_evidence.hash = args.evidence_hash;
    partner.application_evidence.uri.assign(args.evidence_uri.as_bytes())?;
    partner.stage = Stored::new(AdmissionStage::Applied);
    partner.status = Stored::new(PartnerStatus::Pending);
    partner.status_before_suspension = Stored::new(PartnerStatus::Pending);
    partner.traffic_model = args.traffic_model;
    partner.revision = PodU32::new(1);
    partner.created_at = PodI64::new(now.unix_timestamp);
    partner.updated_at = PodI64::new(now.unix_timestamp);

    let event = PartnerApplied {
        partner: partner_address,
        partner_id: partner.partner_id,
        authority: partner.authority,
        legal_name: Text(args.legal_name.as_bytes()),
        jurisdiction: Text(args.jurisdiction.as_bytes()),
        legal_entity_id_hash: args.legal_entity_id_hash,
        evidence_hash: args.evidence_hash,
        evidence_uri: Text(args.evidence_uri.as_bytes()),
        traffic_model: args.traffic_model,
    };
    history::record(&mut registry.history, &accounts.events, &now, &event)?;
    Ok(())
}
