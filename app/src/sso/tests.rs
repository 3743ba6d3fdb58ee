use super::*;

const ORGANISATION: i64 = 5;
const SUBJECT: &str = "https://login.bluepeak.test 248289761001";

fn asserted(email: &str) -> Asserted {
    Asserted { email: Some(email.to_owned()), email_verified: Some(true), subject: SUBJECT.to_owned(), name: None }
}

fn account(subject: Option<&str>) -> Account {
    Account { user_id: 40, organisation_id: ORGANISATION, active: true, subject: subject.map(str::to_owned) }
}

fn standing(domains: &[String], account: Option<Account>, owner: Option<i64>, invitation: Option<i64>) -> Standing<'_> {
    Standing { organisation_id: ORGANISATION, domains, account, subject_owner: owner, invitation }
}

#[test]
fn the_first_sign_in_links_the_identity_and_later_ones_find_it() {
    let domains = vec!["bluepeak.test".to_owned()];
    let first = plan(&asserted("rep@bluepeak.test"), &standing(&domains, Some(account(None)), None, None));
    assert_eq!(first, Ok(Plan::SignIn { user_id: 40, link: true }));
    let later = plan(&asserted("rep@bluepeak.test"), &standing(&domains, Some(account(Some(SUBJECT))), Some(40), None));
    assert_eq!(later, Ok(Plan::SignIn { user_id: 40, link: false }));
}

#[test]
fn an_invitation_becomes_an_account_and_nobody_else_gets_in() {
    let domains = vec!["bluepeak.test".to_owned()];
    let invited = plan(&asserted("new@bluepeak.test"), &standing(&domains, None, None, Some(9)));
    assert_eq!(invited, Ok(Plan::Accept { invitation_id: 9 }));
    let stranger = plan(&asserted("stranger@bluepeak.test"), &standing(&domains, None, None, None));
    assert_eq!(stranger, Err(Refusal::NoAccount));
}

#[test]
fn each_refusal_has_its_reason() {
    let domains = vec!["bluepeak.test".to_owned()];
    let elsewhere = Account { organisation_id: ORGANISATION + 1, ..account(None) };
    let deactivated = Account { active: false, ..account(None) };
    let unverified = Asserted { email_verified: Some(false), ..asserted("rep@bluepeak.test") };
    let no_email = Asserted { email: None, ..asserted("rep@bluepeak.test") };
    // A provider that does not say it verified the address: anyone may have typed it there.
    let unsaid = Asserted { email_verified: None, ..asserted("rep@bluepeak.test") };
    let cases = [
        (unverified, standing(&domains, Some(account(None)), None, None), Refusal::NoVerifiedEmail),
        (no_email, standing(&domains, Some(account(None)), None, None), Refusal::NoVerifiedEmail),
        (unsaid, standing(&domains, Some(account(None)), None, None), Refusal::NoVerifiedEmail),
        // A provider may only sign in its own domains: a partner's cannot sign in the vendor's staff.
        (asserted("admin@acme.test"), standing(&domains, Some(account(None)), None, None), Refusal::OtherDomain),
        (asserted("rep@bluepeak.test"), standing(&domains, Some(elsewhere), None, None), Refusal::OtherOrganisation),
        (asserted("rep@bluepeak.test"), standing(&domains, Some(deactivated), None, None), Refusal::Deactivated),
        (
            asserted("rep@bluepeak.test"),
            standing(&domains, Some(account(Some("https://login.bluepeak.test other"))), None, None),
            Refusal::LinkedElsewhere,
        ),
        // The identity is another account's already (its address changed at the provider).
        (
            asserted("rep@bluepeak.test"),
            standing(&domains, Some(account(None)), Some(41), None),
            Refusal::LinkedElsewhere,
        ),
        (asserted("new@bluepeak.test"), standing(&domains, None, Some(41), Some(9)), Refusal::LinkedElsewhere),
    ];
    for (asserted, standing, refusal) in cases {
        assert_eq!(plan(&asserted, &standing), Err(refusal), "{asserted:?} {standing:?}");
    }
}

#[test]
fn refusals_travel_by_their_code() {
    for refusal in Refusal::ALL {
        assert_eq!(Refusal::parse(refusal.as_str()), Some(refusal));
        assert!(!refusal.message().is_empty());
    }
    assert_eq!(Refusal::parse("other"), None);
}

#[test]
fn domains_are_read_from_any_list_once_each() {
    assert_eq!(domains_of(" Acme.test, @acme.co.uk;acme.test\nacme.de. "), vec!["acme.co.uk", "acme.de", "acme.test"]);
    assert!(domains_of(" , ").is_empty());
}
