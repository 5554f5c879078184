//! Anchor-compatible interface machinery: discriminators, zero-copy layouts,
//! argument decoding, and the IDL side of each definition.

pub mod borsh_reader;
pub mod borsh_writer;
pub mod discriminator;
#[cfg(feature = "idl-build")]
pub mod idl;
pub mod macros;
pub mod pod;
#[cfg(test)]
mod tests;
pub mod utf8;
