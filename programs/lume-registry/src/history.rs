//! The tamper-evident history: every change emits its event and extends the
//! registry's hash chain, `head = sha256(head || discriminator || event)`.
//! Anyone replaying the events (the program's self-CPI event instructions, see
//! `event_cpi.rs`) must arrive at the head stored on-chain; a missing, altered
//! or reordered event shows.

use crate::errors::RegistryError;
use crate::event_cpi::{EventCpi, EVENT_IX_TAG};
use crate::events::{ChangeHeader, Event};
use crate::interface::borsh_writer::{encode_by_layout, BorshWriter, FieldLayout};
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

/// Bytes before an event's own fields: tag, discriminator, `ChangeHeader`.
const PREFIX_LEN: usize = EVENT_IX_TAG.len() + 8 + core::mem::size_of::<ChangeHeader>();

/// Stamps `event` with the next change index, emits it and extends the chain.
///
/// Generic only in name: it hands the event's address, discriminator and
/// field layout to `record_event`, one copy for every event type (a generic
/// encoder per type was about 12 KB of the binary).
#[inline(always)]
pub fn record<E: Event>(
    history: &mut HistoryChain,
    events: &EventCpi,
    now: &Now,
    event: &E,
) -> Result<(), pinocchio::error::ProgramError> {
    let event = EventRef { discriminator: E::DISCRIMINATOR, layout: E::LAYOUT, value: event as *const E as *const u8 };
    record_event(history, events, now, &event)
}

/// An event to record, type-erased.
struct EventRef {
    discriminator: [u8; 8],
    layout: &'static [FieldLayout],
    /// The event struct `layout` describes.
    value: *const u8,
}

/// `record`'s body. `inline(never)`: the event buffer lives in this
/// function's own 4 KiB stack frame, not in the caller's.
#[inline(never)]
fn record_event(
    history: &mut HistoryChain,
    events: &EventCpi,
    now: &Now,
    event: &EventRef,
) -> Result<(), pinocchio::error::ProgramError> {
    // Uninitialised on purpose: zeroing 3 KiB would cost more than the event.
    let mut buffer = core::mem::MaybeUninit::<[u8; EVENT_BUFFER]>::uninit();
    begin(&mut buffer, history, now, &event.discriminator)?;
    let mut writer = BorshWriter::after_prefix(&mut buffer, PREFIX_LEN);
    // SAFETY: `record` built `event` from a live `E` and `E::LAYOUT`, which
    // `event!` made from `E`'s own fields.
    unsafe { encode_by_layout(&mut writer, event.value, event.layout)? };
    extend(history, events, writer.written())
}

/// Writes the event instruction's tag, the discriminator and the change header,
/// and moves the change count. A failed emit fails the whole transaction, so
/// the count can move before the event is out.
#[inline(never)]
fn begin(
    buffer: &mut core::mem::MaybeUninit<[u8; EVENT_BUFFER]>,
    history: &mut HistoryChain,
    now: &Now,
    discriminator: &[u8; 8],
) -> Result<(), RegistryError> {
    let change_index = history.change_count.get().checked_add(1).ok_or(RegistryError::ArithmeticOverflow)?;
    let header = ChangeHeader {
        change_index: PodU64::new(change_index),
        slot: PodU64::new(now.slot),
        unix_timestamp: PodI64::new(now.unix_timestamp),
    };
    let mut writer = BorshWriter::new(buffer);
    writer.write(&EVENT_IX_TAG)?;
    writer.write(discriminator)?;
    writer.write(header.bytes())?;
    history.change_count = PodU64::new(change_index);
    Ok(())
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
