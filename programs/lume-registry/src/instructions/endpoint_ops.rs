//! Endpoint-set changes shared by `declare_endpoint` and the executed
//! endpoint actions: each moves the partner's endpoint-set version by one.

use crate::arithmetic::{increment_u16, increment_u32};
use crate::errors::RegistryError;
use crate::events::EndpointAdded;
use crate::interface::borsh_writer::Text;
use crate::interface::pod::{PodI64, PodU16, PodU32, PodU64, Stored};
use crate::runtime::Now;
use crate::state::account::init;
use crate::state::endpoint::EndpointStatus;
use crate::state::partner::MAX_ACTIVE_ENDPOINTS;
use crate::state::{Endpoint, Partner, Protocol};
use crate::validation::arguments::check_new_endpoint;
use pinocchio::{account::AccountView, address::Address, error::ProgramError};

/// The arguments of a new endpoint.
pub struct NewEndpoint<'a> {
    pub host: &'a [u8],
    pub port: u16,
    pub protocol: Protocol,
    pub categories: u64,
}

/// Fills the freshly created `endpoint_account` at the partner's next index,
/// updates the partner's counters and returns the event to record.
/// Inlined: its arguments take more registers than a BPF call passes.
#[inline(always)]
pub fn add_endpoint<'e>(
    partner: &mut Partner,
    partner_address: &Address,
    endpoint_account: &mut AccountView,
    bump: u8,
    new: &NewEndpoint<'e>,
    proposal_id: u64,
    now: &Now,
) -> Result<EndpointAdded<'e>, ProgramError> {
    check_new_endpoint(partner, new)?;
    if partner.active_endpoints.get() >= MAX_ACTIVE_ENDPOINTS {
        return Err(RegistryError::TooManyEndpoints.into());
    }
    let index = partner.next_endpoint_index.get();
    let version = increment_u32(partner.endpoint_set_version.get())?;
    partner.next_endpoint_index.set(increment_u16(index)?);
    partner.active_endpoints.set(increment_u16(partner.active_endpoints.get())?);
    partner.endpoint_set_version.set(version);
    if proposal_id != 0 {
        partner.last_proposal_id.set(proposal_id);
    }
    let revision = partner.touch(now.unix_timestamp)?;

    let mut endpoint = init::<Endpoint>(endpoint_account)?;
    endpoint.layout_version = 1;
    endpoint.bump = bump;
    endpoint.partner = *partner_address;
    endpoint.index = PodU16::new(index);
    endpoint.host.assign(new.host)?;
    endpoint.port = PodU16::new(new.port);
    endpoint.protocol = Stored::new(new.protocol);
    endpoint.categories = PodU64::new(new.categories);
    endpoint.status = Stored::new(EndpointStatus::Active);
    endpoint.added_in_version = PodU32::new(version);
    endpoint.changed_in_version = PodU32::new(version);
    endpoint.proposal_id = PodU64::new(proposal_id);
    endpoint.added_at = PodI64::new(now.unix_timestamp);

    Ok(EndpointAdded {
        partner: *partner_address,
        index: PodU16::new(index),
        host: Text(new.host),
        port: PodU16::new(new.port),
        protocol: Stored::new(new.protocol),
        categories: PodU64::new(new.categories),
        endpoint_set_version: PodU32::new(version),
        proposal_id: PodU64::new(proposal_id),
        revision: PodU32::new(revision),
    })
}
