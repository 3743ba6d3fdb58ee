//! Getting in: the sign-in page, the forgotten-password and reset-link pages, and the page an
//! invitation link opens. The rules and server functions behind them are [`crate::auth`]'s.

mod pages;

pub use pages::{ForgotPasswordPage, InvitationPage, ResetPasswordPage, SignInPage};
