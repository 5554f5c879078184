//! Events: one for every change, emitted as Anchor does (`sol_log_data` of
//! `discriminator || Borsh body`) and folded into the registry's history
//! chain (see `history.rs`). Every event body starts with a `ChangeHeader`,
//! written by `history::record`; the fields below follow it.

use crate::errors::RegistryError;
use crate::interface::borsh_writer::{BorshWriter, List, TextList};
use crate::interface::pod::{PodI64, PodU32, PodU64};
use crate::state::registry::MAX_CATEGORY_NAME;
use crate::state::Policy;
use pinocchio::address::Address;

/// An event type: its discriminator and how to encode the fields after the
/// `ChangeHeader`.
pub trait Event {
    /// `sha256("event:<Name>")[..8]`.
    const DISCRIMINATOR: [u8; 8];
    fn encode_fields<const N: usize>(&self, writer: &mut BorshWriter<N>) -> Result<(), RegistryError>;
}

/// Declares an event struct, its encoding and (with `idl-build`) its IDL type,
/// whose first field is `change: ChangeHeader`.
#[macro_export]
macro_rules! event {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident $(<$lt:lifetime>)? {
            $( $(#[doc = $fdoc:literal])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name $(<$lt>)? {
            $( $(#[doc = $fdoc])* pub $field: $ty, )*
        }

        impl $(<$lt>)? $crate::events::Event for $name $(<$lt>)? {
            const DISCRIMINATOR: [u8; 8] = $crate::interface::discriminator::event(stringify!($name));
            #[inline(always)]
            fn encode_fields<const N: usize>(
                &self,
                writer: &mut $crate::interface::borsh_writer::BorshWriter<N>,
            ) -> Result<(), $crate::errors::RegistryError> {
                #[allow(unused_imports)]
                use $crate::interface::borsh_writer::BorshEncode;
                $( self.$field.encode(writer)?; )*
                Ok(())
            }
        }

        #[cfg(feature = "idl-build")]
        impl $(<$lt>)? $crate::interface::idl::IdlType for $name $(<$lt>)? {
            fn idl_type() -> $crate::interface::idl::Value {
                $crate::interface::idl::json!({ "defined": { "name": stringify!($name) } })
            }
            fn register(defs: &mut $crate::interface::idl::TypeDefs) {
                use $crate::interface::idl::{docs, field, json, IdlType};
                <$crate::events::ChangeHeader as IdlType>::register(defs);
                $( <$ty as IdlType>::register(defs); )*
                let fields = vec![
                    field("change", docs(&["Position of this change in the registry's history."]),
                        <$crate::events::ChangeHeader as IdlType>::idl_type()),
                    $( field(stringify!($field), docs(&[$($fdoc),*]), <$ty as IdlType>::idl_type()) ),*
                ];
                defs.insert(stringify!($name), docs(&[$($doc),*]), json!({ "kind": "struct", "fields": fields }));
            }
        }
    };
}

crate::pod_struct! {
    /// Where a change sits in the registry's history.
    pub struct ChangeHeader {
        /// 1-based position in the history chain (the registry's change count after it).
        pub change_index: PodU64,
        /// Slot of the transaction.
        pub slot: PodU64,
        /// Unix time of the transaction.
        pub unix_timestamp: PodI64,
    }
}

crate::event! {
    /// The registry was created by the program's upgrade authority.
    pub struct RegistryInitialized<'a> {
        /// The upgrade authority that initialized it.
        pub authority: Address,
        pub council: List<'a, Address>,
        pub threshold: u8,
        pub council_epoch: PodU32,
        pub time_lock_seconds: PodU32,
        pub policy: Policy,
        pub categories: TextList<'a, MAX_CATEGORY_NAME>,
    }
}

/// Every event type, for the IDL.
#[cfg(feature = "idl-build")]
pub fn idl_events(defs: &mut crate::interface::idl::TypeDefs) -> Vec<crate::interface::idl::Value> {
    use crate::interface::idl::{json, IdlType};
    fn entry<E: Event + IdlType>(name: &str, defs: &mut crate::interface::idl::TypeDefs) -> crate::interface::idl::Value {
        E::register(defs);
        json!({ "name": name, "discriminator": E::DISCRIMINATOR })
    }
    vec![entry::<RegistryInitialized>("RegistryInitialized", defs)]
}
