//! The tamper-evident history: every change emits its event and extends the
//! registry's hash chain, `head = sha256(head || discriminator || event)`.
//! Anyone replaying the events (the program's self-CPI event instructions, see
//! `event_cpi.rs`) must arrive at the head stored on-chain; a missing, altered
//! or reordered event shows.

use crate::errors::RegistryError;
use crate::event_cpi::{EventCpi, EVENT_IX_TAG};
use crate::events::{ChangeHeader, Event};
use crate::interface::borsh_writer::BorshWriter;
use crate::interface::pod::{Pod, PodI64, PodU64};
use crate::runtime::{self, Now};

crate::pod_struct! {
    /// The head of the registry's history hash chain.
    pub struct HistoryChain {
        /// Changes recorded so far.
        pub change_count: PodU64,
        /// `sha256(previous head || event bytes)` over every event, from 32 zero bytes.
        pub head: [u8; 32],
    }
}

/// Largest event instruction (tag and discriminator included). The biggest
/// event, `RegistryInitialized` with 16 members and 64 categories, is about
/// 2.9 KB.
const EVENT_BUFFER: usize = 3080;

/// Stamps `event` with the next change index, emits it and extends the chain.
///
/// `inline(never)`: the event buffer lives in this function's own 4 KiB stack
/// frame, not in the caller's.
#[inline(never)]
pub fn record<E: Event>(
    history: &mut HistoryChain,
    events: &EventCpi,
    now: &Now,
    event: &E,
) -> Result<(), pinocchio::error::ProgramError> {
    let change_index = history.change_count.get().checked_add(1).ok_or(RegistryError::ArithmeticOverflow)?;
    let header = ChangeHeader {
        change_index: PodU64::new(change_index),
        slot: PodU64::new(now.slot),
        unix_timestamp: PodI64::new(now.unix_timestamp),
    };
    // Uninitialised on purpose: zeroing 3 KiB would cost more than the event.
    let mut buffer = core::mem::MaybeUninit::<[u8; EVENT_BUFFER]>::uninit();
    let mut writer = BorshWriter::new(&mut buffer);
    writer.write(&EVENT_IX_TAG)?;
    writer.write(&E::DISCRIMINATOR)?;
    writer.write(header.bytes())?;
    event.encode_fields(&mut writer)?;
    // A failed emit fails the whole transaction, so the count can move first
    // (which keeps `extend` within five argument registers).
    history.change_count = PodU64::new(change_index);
    extend(history, events, writer.written())
}

/// Emits the event instruction and folds the event (without the tag) into the
/// chain (one copy for all event types).
#[inline(never)]
fn extend(
    history: &mut HistoryChain,
    events: &EventCpi,
    instruction_data: &[u8],
) -> Result<(), pinocchio::error::ProgramError> {
    events.emit(instruction_data)?;
    history.head = runtime::sha256(&[&history.head, &instruction_data[EVENT_IX_TAG.len()..]]);
    Ok(())
}
