//! Text checks on the bounded strings instructions and proposals carry (the
//! bounds themselves and UTF-8 are checked when the arguments are decoded).

use crate::errors::RegistryError;
use crate::state::Registry;

/// A bounded text is non-empty printable ASCII without spaces (hosts, codes).
pub fn check_token(text: &[u8]) -> Result<(), RegistryError> {
    if text.is_empty() || !text.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Err(RegistryError::InvalidText);
    }
    Ok(())
}

/// A bounded text is non-empty and has no control characters (names).
pub fn check_name(text: &[u8]) -> Result<(), RegistryError> {
    if text.is_empty() || text.iter().any(|b| *b < 0x20 || *b == 0x7f) {
        return Err(RegistryError::InvalidText);
    }
    Ok(())
}

/// A valid category name not already used by another category (`except`: the
/// category being renamed).
pub fn check_category_name(registry: &Registry, name: &[u8], except: Option<u8>) -> Result<(), RegistryError> {
    check_token(name).map_err(|_| RegistryError::InvalidCategoryName)?;
    let count = registry.category_count as usize;
    let clash = registry.categories[..count.min(64)]
        .iter()
        .enumerate()
        .any(|(i, c)| Some(i as u8) != except && c.as_bytes() == name);
    if clash {
        return Err(RegistryError::CategoryExists);
    }
    Ok(())
}
