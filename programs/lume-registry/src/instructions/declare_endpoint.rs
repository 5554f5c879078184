//! `declare_endpoint`: while its application is pending, a partner declares
//! the endpoints it will use. The council admits the partner with exactly the
//! endpoint set it saw (`ApprovePartner` names the endpoint-set version);
//! after admission, endpoints change only through proposals.

use crate::errors::RegistryError;
use crate::history;
use crate::instructions::endpoint_ops::{add_endpoint, NewEndpoint};
use crate::interface::borsh_reader::BoundedStr;
use crate::runtime;
use crate::state::account::{partner_mut, registry_mut};
use crate::state::{seeds, AdmissionStage, Endpoint, PartnerStatus, Protocol};
use crate::system::create_pda;
use crate::validation::authority::require_partner_authority;
use pinocchio::{account::AccountView, ProgramResult};

crate::instruction_accounts! {
    /// Declares an endpoint of a pending application (partner authority only).
    /// Creates `["endpoint", partner, partner.next_endpoint_index]`.
    pub struct Accounts {
        registry: [writable],
        partner: [writable],
        /// The new endpoint PDA `["endpoint", partner, index as u16 LE]`.
        endpoint: [writable],
        /// The partner's authority; pays for the endpoint account.
        authority: [writable, signer],
        system_program: [; address = crate::SYSTEM_PROGRAM_ID],
    }
}

crate::instruction_args! {
    pub struct Args<'a> {
        /// DNS name or IP literal (printable ASCII, no spaces).
        pub host: BoundedStr<'a, 63>,
        pub port: u16,
        pub protocol: Protocol,
        /// Request categories the endpoint carries (within the traffic model).
        pub categories: u64,
    }
}

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let mut accounts = Accounts::parse(accounts)?;
    let args = Args::decode(data)?;
    let partner_address = *accounts.partner.address();
    let mut registry = registry_mut(&mut accounts.registry)?;
    let mut partner_data = partner_mut(&mut accounts.partner)?;
    let partner = &mut *partner_data;
    require_partner_authority(partner, &accounts.authority)?;
    let pending = matches!(
        partner.stage.get(),
        Some(AdmissionStage::Applied | AdmissionStage::LegalVerified | AdmissionStage::TechnicallyVerified)
    );
    if !pending {
        return Err(RegistryError::WrongAdmissionStage.into());
    }
    // Revocation is final: a revoked applicant declares nothing more.
    if partner.status.is(PartnerStatus::Revoked) {
        return Err(RegistryError::WrongPartnerStatus.into());
    }

    let index = partner.next_endpoint_index.get();
    let index_seed = index.to_le_bytes();
    let bump = create_pda::<Endpoint>(
        &accounts.authority,
        &accounts.endpoint,
        &[seeds::ENDPOINT, partner_address.as_ref(), &index_seed],
    )?;
    let now = runtime::now();
    let new = NewEndpoint {
        host: args.host.as_bytes(),
        port: args.port,
        protocol: args.protocol,
        categories: args.categories,
    };
    let event = add_endpoint(partner, &partner_address, &mut accounts.endpoint, bump, &new, 0, &now)?;
    history::record(&mut registry.history, &accounts.events, &now, &event)
}
