//! The tamper-evident history: every change emits its event and extends the
//! registry's hash chain, `head = sha256(head || discriminator || event)`.
//! Anyone replaying the events from the logs must arrive at the head stored
//! on-chain; a missing, altered or reordered event shows.

use crate::errors::RegistryError;
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

/// Largest encoded event (discriminator included). The biggest,
/// `RegistryInitialized` with 16 members and 64 categories, is about 2.9 KB.
const EVENT_BUFFER: usize = 3072;

/// Stamps `event` with the next change index, logs it and extends the chain.
///
/// `inline(never)`: the event buffer lives in this function's own 4 KiB stack
/// frame, not in the caller's.
#[inline(never)]
pub fn record<E: Event>(
    history: &mut HistoryChain,
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
    writer.write(&E::DISCRIMINATOR)?;
    writer.write(header.bytes())?;
    event.encode_fields(&mut writer)?;
    extend(history, writer.written(), change_index);
    Ok(())
}

/// Logs the encoded event and folds it into the chain (one copy for all
/// event types).
#[inline(never)]
fn extend(history: &mut HistoryChain, bytes: &[u8], change_index: u64) {
    runtime::log_data(bytes);
    history.head = runtime::sha256(&[&history.head, bytes]);
    history.change_count = PodU64::new(change_index);
}
