//! IDL description of the program's types (host only, feature `idl-build`).
//!
//! Every type that appears in an account, event or argument implements
//! [`IdlType`]; the `pod_struct!`, `instruction_args!`, `instruction_accounts!`
//! and `error_codes!` macros implement the IDL side next to the on-chain side,
//! so the IDL cannot drift from the code. `crate::idl::build` assembles the
//! document (Anchor IDL spec 0.1.0).

use crate::interface::borsh_reader::{BoundedStr, BoundedStrList, BoundedVec};
use crate::interface::pod::{FixedStr, Pod, PodBool, PodEnum, PodI64, PodU16, PodU32, PodU64, Stored};
use pinocchio::address::Address;
pub use serde_json::{json, Value};

/// Named type definitions collected while walking the program's types.
#[derive(Default)]
pub struct TypeDefs {
    defs: Vec<(String, Value)>,
}

impl TypeDefs {
    pub fn contains(&self, name: &str) -> bool {
        self.defs.iter().any(|(n, _)| n == name)
    }
    /// Adds a definition; the first registration of a name wins.
    pub fn insert(&mut self, name: &str, docs: Value, ty: Value) {
        if !self.contains(name) {
            let mut def = json!({ "name": name });
            if docs.as_array().is_some_and(|d| !d.is_empty()) {
                def["docs"] = docs;
            }
            def["type"] = ty;
            self.defs.push((name.to_string(), def));
        }
    }
    pub fn into_values(self) -> Vec<Value> {
        self.defs.into_iter().map(|(_, v)| v).collect()
    }
}

/// A type's IDL representation, and the named definitions it depends on.
pub trait IdlType {
    fn idl_type() -> Value;
    fn register(_defs: &mut TypeDefs) {}
}

macro_rules! primitive {
    ($($ty:ty => $name:literal),*) => {$(
        impl IdlType for $ty {
            fn idl_type() -> Value { json!($name) }
        }
    )*};
}
primitive!(
    u8 => "u8", u16 => "u16", u32 => "u32", u64 => "u64", i64 => "i64", bool => "bool",
    PodU16 => "u16", PodU32 => "u32", PodU64 => "u64", PodI64 => "i64", PodBool => "bool",
    Address => "pubkey"
);

impl<T: IdlType, const N: usize> IdlType for [T; N] {
    fn idl_type() -> Value {
        json!({ "array": [T::idl_type(), N] })
    }
    fn register(defs: &mut TypeDefs) {
        T::register(defs);
    }
}

impl<const N: usize> IdlType for FixedStr<N> {
    fn idl_type() -> Value {
        json!({ "defined": { "name": format!("FixedStr{N}") } })
    }
    fn register(defs: &mut TypeDefs) {
        defs.insert(
            &format!("FixedStr{N}"),
            json!([format!("UTF-8 text of at most {N} bytes: `len` bytes of `bytes` are used.")]),
            json!({ "kind": "struct", "fields": [
                { "name": "len", "type": "u8" },
                { "name": "bytes", "type": { "array": ["u8", N] } },
            ]}),
        );
    }
}

impl<const MAX: usize> IdlType for BoundedStr<'_, MAX> {
    fn idl_type() -> Value {
        json!("string")
    }
}

impl<T: Pod + IdlType, const MAX: usize> IdlType for BoundedVec<'_, T, MAX> {
    fn idl_type() -> Value {
        json!({ "vec": T::idl_type() })
    }
    fn register(defs: &mut TypeDefs) {
        T::register(defs);
    }
}

impl<const MAX: usize, const MAX_LEN: usize> IdlType for BoundedStrList<'_, MAX, MAX_LEN> {
    fn idl_type() -> Value {
        json!({ "vec": "string" })
    }
}

/// `["line", ...]` from doc-comment literals, trimmed as rustdoc would show them.
pub fn docs(lines: &[&str]) -> Value {
    Value::Array(lines.iter().map(|l| json!(l.trim())).collect())
}

/// A named field (struct field or instruction argument).
pub fn field(name: &str, docs_value: Value, ty: Value) -> Value {
    let mut f = json!({ "name": name });
    if docs_value.as_array().is_some_and(|d| !d.is_empty()) {
        f["docs"] = docs_value;
    }
    f["type"] = ty;
    f
}

/// An account or event type as the IDL lists it: its name, its discriminator,
/// and how to register its body.
pub type NamedEntry = (&'static str, [u8; 8], fn(&mut TypeDefs));

/// The IDL's `accounts` or `events`: `{ name, discriminator }` for each entry,
/// registering each body in `defs`.
pub fn named_entries(entries: &[NamedEntry], defs: &mut TypeDefs) -> Vec<Value> {
    entries
        .iter()
        .map(|(name, discriminator, register)| {
            register(defs);
            json!({ "name": name, "discriminator": discriminator })
        })
        .collect()
}

/// Base58 text of an address.
pub fn base58(address: &Address) -> String {
    bs58::encode(address.as_ref()).into_string()
}

impl<E: PodEnum + IdlType> IdlType for Stored<E> {
    fn idl_type() -> Value {
        E::idl_type()
    }
    fn register(defs: &mut TypeDefs) {
        E::register(defs);
    }
}

impl<T: IdlType> IdlType for Option<T> {
    fn idl_type() -> Value {
        json!({ "option": T::idl_type() })
    }
    fn register(defs: &mut TypeDefs) {
        T::register(defs);
    }
}
