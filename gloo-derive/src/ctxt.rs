//! Collects every error of one derive, so the user sees all of them at once.

use std::fmt::Display;

use quote::ToTokens;

/// Gathers errors while the input is parsed and checked (serde's `Ctxt`).
#[derive(Default)]
pub struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    /// Records an error spanned on `tokens`.
    pub fn error_spanned_by(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error already built.
    pub fn syn_error(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// All errors combined into one, if there were any.
    pub fn check(self) -> Result<(), syn::Error> {
        let mut errors = self.errors.into_iter();
        let Some(mut combined) = errors.next() else { return Ok(()) };
        errors.for_each(|error| combined.combine(error));
        Err(combined)
    }
}
