//! Declarative macros that define each piece of the program's interface once:
//! the on-chain layout or parser, and (with `idl-build`) its IDL description.

/// A fixed-layout struct whose bytes are its Borsh encoding (see `pod.rs`).
/// Used for account bodies, events and nested types.
#[macro_export]
macro_rules! pod_struct {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            $( $(#[doc = $fdoc:literal])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[repr(C)]
        #[derive(Clone, Copy)]
        pub struct $name {
            $( $(#[doc = $fdoc])* pub $field: $ty, )*
        }

        // Compile-time proof of what `Pod` requires: every field is `Pod` (a field that is not
        // fails to build here), alignment 1, and no padding (the size is the sum of the fields').
        const _: () = {
            const fn field_is_pod<T: $crate::interface::pod::Pod>() {}
            $( field_is_pod::<$ty>(); )*
            assert!(core::mem::align_of::<$name>() == 1);
            assert!(core::mem::size_of::<$name>() == 0 $( + core::mem::size_of::<$ty>() )*);
        };
        // SAFETY: every field is `Pod`, alignment 1 and no padding (all checked above), so any
        // bytes of the right length are a valid value and every byte of a value is initialised.
        unsafe impl $crate::interface::pod::Pod for $name {}

        impl<'a> $crate::interface::borsh_reader::BorshDecode<'a> for $name {
            #[inline(always)]
            fn decode(
                reader: &mut $crate::interface::borsh_reader::BorshReader<'a>,
            ) -> Result<Self, $crate::errors::RegistryError> {
                let bytes = reader.take(<$name as $crate::interface::pod::Pod>::SIZE)?;
                <$name as $crate::interface::pod::Pod>::view(bytes)
                    .copied()
                    .ok_or($crate::errors::RegistryError::InstructionDataTooShort)
            }
        }

        impl $crate::interface::borsh_writer::BorshEncode for $name {
            #[inline(always)]
            fn encode<const N: usize>(
                &self,
                writer: &mut $crate::interface::borsh_writer::BorshWriter<N>,
            ) -> Result<(), $crate::errors::RegistryError> {
                writer.write($crate::interface::pod::Pod::bytes(self))
            }
        }

        #[cfg(feature = "idl-build")]
        impl $crate::interface::idl::IdlType for $name {
            fn idl_type() -> $crate::interface::idl::Value {
                $crate::interface::idl::json!({ "defined": { "name": stringify!($name) } })
            }
            fn register(defs: &mut $crate::interface::idl::TypeDefs) {
                use $crate::interface::idl::{docs, field, json, IdlType};
                if defs.contains(stringify!($name)) {
                    return;
                }
                $( <$ty as IdlType>::register(defs); )*
                let fields = vec![$(
                    field(stringify!($field), docs(&[$($fdoc),*]), <$ty as IdlType>::idl_type())
                ),*];
                defs.insert(stringify!($name), docs(&[$($doc),*]), json!({ "kind": "struct", "fields": fields }));
            }
        }
    };
}

/// The Borsh arguments of one instruction, decoded without allocation.
/// Declares `pub struct Args<'a>` with `Args::decode(data)`.
#[macro_export]
macro_rules! instruction_args {
    (
        pub struct Args<'a> {
            $( $(#[doc = $fdoc:literal])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        pub struct Args<'a> {
            $( $(#[doc = $fdoc])* pub $field: $ty, )*
            _data: core::marker::PhantomData<&'a [u8]>,
        }

        impl<'a> Args<'a> {
            /// Decodes the arguments; every byte must be consumed.
            #[inline(always)]
            #[allow(unused_mut)]
            pub fn decode(data: &'a [u8]) -> Result<Self, $crate::errors::RegistryError> {
                #[allow(unused_imports)]
                use $crate::interface::borsh_reader::BorshDecode;
                let mut reader = $crate::interface::borsh_reader::BorshReader::new(data);
                $( let $field = <$ty>::decode(&mut reader)?; )*
                reader.finish()?;
                Ok(Self { $($field,)* _data: core::marker::PhantomData })
            }

            #[cfg(feature = "idl-build")]
            #[allow(unused_variables)]
            pub fn idl_args(defs: &mut $crate::interface::idl::TypeDefs) -> Vec<$crate::interface::idl::Value> {
                #[allow(unused_imports)]
                use $crate::interface::idl::{docs, field, IdlType};
                $( <$ty as IdlType>::register(defs); )*
                vec![$( field(stringify!($field), docs(&[$($fdoc),*]), <$ty as IdlType>::idl_type()) ),*]
            }
        }
    };
}

/// The accounts of one instruction, in order, with the checks that depend on
/// nothing but the account itself: `writable`, `signer`, `address = CONST`.
/// Ownership, discriminators, PDAs and relations are checked by the
/// instruction's own named checks. Declares `pub struct Accounts` whose doc
/// comment is also the instruction's documentation in the IDL.
#[macro_export]
macro_rules! instruction_accounts {
    (
        $(#[doc = $doc:literal])*
        pub struct Accounts {
            $(
                $(#[doc = $fdoc:literal])*
                $field:ident : [ $($flag:ident),* $(; address = $address:path)? ]
            ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct Accounts {
            $( $(#[doc = $fdoc])* pub $field: pinocchio::AccountView, )*
            /// `event_authority` and `program`, which every instruction takes
            /// last (as Anchor's `#[event_cpi]` does) to emit its events.
            pub events: $crate::event_cpi::EventCpi,
        }

        impl Accounts {
            /// How many accounts the instruction takes, the two event
            /// accounts included; remaining accounts follow them.
            pub const COUNT: usize = <[&str]>::len(&[$(stringify!($field),)*]) + 2;

            /// Takes the accounts in declaration order and checks their flags.
            /// Extra accounts are ignored.
            #[inline(always)]
            pub fn parse(accounts: &[pinocchio::AccountView]) -> Result<Self, pinocchio::error::ProgramError> {
                let [$($field,)* event_authority, program, ..] = accounts else {
                    return Err($crate::errors::RegistryError::MissingAccounts.into());
                };
                let events = $crate::event_cpi::EventCpi::parse(event_authority, program)?;
                $(
                    // An optional account the client left out arrives as the
                    // program id (Anchor's convention) and skips its checks.
                    let absent = $crate::instruction_accounts!(@is_optional $($flag)*)
                        && $field.address() == &$crate::ID;
                    if !absent {
                        $( $crate::instruction_accounts!(@check $field, stringify!($field), $flag); )*
                        $( $crate::validation::accounts::check_address($field, &$address, stringify!($field))?; )?
                    }
                )*
                Ok(Self { $($field: *$field,)* events })
            }

            #[cfg(feature = "idl-build")]
            pub fn idl_docs() -> $crate::interface::idl::Value {
                $crate::interface::idl::docs(&[$($doc),*])
            }

            #[cfg(feature = "idl-build")]
            pub fn idl_accounts() -> Vec<$crate::interface::idl::Value> {
                #[allow(unused_imports)]
                use $crate::interface::idl::{docs, json};
                #[allow(unused_mut)]
                let mut list = Vec::new();
                $(
                    let mut entry = json!({ "name": stringify!($field) });
                    let field_docs = docs(&[$($fdoc),*]);
                    if field_docs.as_array().is_some_and(|d| !d.is_empty()) {
                        entry["docs"] = field_docs;
                    }
                    $( $crate::instruction_accounts!(@idl entry, $flag); )*
                    $( entry["address"] = json!($crate::interface::idl::base58(&$address)); )?
                    list.push(entry);
                )*
                // Anchor's `#[event_cpi]` accounts: its clients resolve them
                // from the seeds and the address.
                list.push(json!({
                    "name": "event_authority",
                    "pda": { "seeds": [{ "kind": "const", "value": $crate::event_cpi::EVENT_AUTHORITY_SEED }] },
                }));
                list.push(json!({ "name": "program", "address": $crate::interface::idl::base58(&$crate::ID) }));
                list
            }
        }
    };
    (@check $account:ident, $name:expr, writable) => {
        $crate::validation::accounts::check_writable($account, $name)?;
    };
    (@check $account:ident, $name:expr, optional) => {};
    (@is_optional) => { false };
    (@is_optional optional $($rest:ident)*) => { true };
    (@is_optional $first:ident $($rest:ident)*) => { $crate::instruction_accounts!(@is_optional $($rest)*) };
    (@idl $entry:ident, optional) => { $entry["optional"] = $crate::interface::idl::json!(true); };
    (@check $account:ident, $name:expr, signer) => {
        $crate::validation::accounts::check_signer($account, $name)?;
    };
    (@idl $entry:ident, writable) => { $entry["writable"] = $crate::interface::idl::json!(true); };
    (@idl $entry:ident, signer) => { $entry["signer"] = $crate::interface::idl::json!(true); };
}

/// The program's error codes (Anchor numbering: custom codes from 6000), with
/// the message each one carries in the IDL.
#[macro_export]
macro_rules! error_codes {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident {
            $( $(#[doc = $vdoc:literal])* $variant:ident = $code:literal => $msg:literal ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[repr(u32)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $( $(#[doc = $vdoc])* #[doc = $msg] $variant = $code, )*
        }

        impl From<$name> for pinocchio::error::ProgramError {
            #[inline(always)]
            fn from(error: $name) -> Self {
                pinocchio::error::ProgramError::Custom(error as u32)
            }
        }

        impl $name {
            #[cfg(feature = "idl-build")]
            pub fn idl_errors() -> Vec<$crate::interface::idl::Value> {
                vec![$( $crate::interface::idl::json!({
                    "code": $code, "name": stringify!($variant), "msg": $msg
                }) ),*]
            }
        }
    };
}

/// A Borsh enum whose variants carry named fields, decoded in place from
/// instruction or account data (used for proposal actions). Variant indices
/// are explicit and must run 0, 1, 2, ... (Borsh encodes the position).
#[macro_export]
macro_rules! borsh_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident<'a> {
            $(
                $(#[doc = $vdoc:literal])*
                $variant:ident = $index:literal {
                    $( $(#[doc = $fdoc:literal])* $field:ident : $ty:ty ),* $(,)?
                }
            ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        // `repr(u8)` with the Borsh tags as discriminants: `index` reads the
        // tag instead of matching every variant.
        #[repr(u8)]
        pub enum $name<'a> {
            $( $(#[doc = $vdoc])* $variant { $( $(#[doc = $fdoc])* $field: $ty, )* } = $index, )*
            #[doc(hidden)]
            _Borrowed(core::marker::PhantomData<&'a [u8]>) = u8::MAX,
        }

        impl<'a> $name<'a> {
            /// Position of the variant (its Borsh tag).
            #[inline(always)]
            pub fn index(&self) -> u8 {
                // SAFETY: a `repr(u8)` enum starts with its `u8` discriminant
                // (the Rust reference, "primitive representation of enums with fields").
                unsafe { *(self as *const Self as *const u8) }
            }
        }

        impl<'a> $crate::interface::borsh_reader::BorshDecode<'a> for $name<'a> {
            fn decode(
                reader: &mut $crate::interface::borsh_reader::BorshReader<'a>,
            ) -> Result<Self, $crate::errors::RegistryError> {
                #[allow(unused_imports)]
                use $crate::interface::borsh_reader::BorshDecode;
                let tag = reader.take(1)?[0];
                $(
                    if tag == $index {
                        return Ok(Self::$variant { $( $field: <$ty>::decode(reader)?, )* });
                    }
                )*
                Err($crate::errors::RegistryError::InvalidEnumValue)
            }
        }

        #[cfg(feature = "idl-build")]
        impl<'a> $crate::interface::idl::IdlType for $name<'a> {
            fn idl_type() -> $crate::interface::idl::Value {
                $crate::interface::idl::json!({ "defined": { "name": stringify!($name) } })
            }
            fn register(defs: &mut $crate::interface::idl::TypeDefs) {
                use $crate::interface::idl::{docs, field, json, IdlType};
                if defs.contains(stringify!($name)) {
                    return;
                }
                $( $( <$ty as IdlType>::register(defs); )* )*
                let variants = vec![$({
                    let mut v = json!({ "name": stringify!($variant) });
                    let d = docs(&[$($vdoc),*]);
                    if d.as_array().is_some_and(|d| !d.is_empty()) { v["docs"] = d; }
                    let fields: Vec<$crate::interface::idl::Value> = vec![$(
                        field(stringify!($field), docs(&[$($fdoc),*]), <$ty as IdlType>::idl_type())
                    ),*];
                    if !fields.is_empty() { v["fields"] = json!(fields); }
                    v
                }),*];
                defs.insert(stringify!($name), docs(&[$($doc),*]), json!({ "kind": "enum", "variants": variants }));
            }
        }
    };
}
