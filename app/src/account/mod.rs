//! Getting in: the sign-in page, the forgotten-password and reset-link pages, and the page an
//! invitation link opens (the rules and server functions behind them are [`crate::auth`]'s); and
//! a person's notifications page ([`crate::notifications`]').

mod notifications;
mod pages;

pub use notifications::NotificationsPage;
pub use pages::{ForgotPasswordPage, InvitationPage, ResetPasswordPage, SignInPage};
