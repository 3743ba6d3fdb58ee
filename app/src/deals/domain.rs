//! Customer domains, reduced to one comparable form: `WWW.Example.COM`, `sales.example.co.uk`,
//! `example.com.` and `https://bücher.example/path` all name one registrable domain, in
//! lower-case ASCII (punycode), using the public suffix list.

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("Enter the customer's web domain, like example.com.")]
    Empty,
    #[error("Enter a domain name, not an IP address.")]
    IpAddress,
    #[error("Enter the customer's public web domain, like example.com.")]
    NotPublic,
    #[error("That is not a valid domain name.")]
    Invalid,
}

/// Mail providers anyone may have an address at: such an address says nothing of its owner's company.
const WEBMAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "gmx.de",
    "web.de",
    "mail.com",
    "yandex.ru",
    "qq.com",
];

/// Whether `domain` is a mail provider anyone may have an address at.
pub fn is_webmail(domain: &str) -> bool {
    WEBMAIL.contains(&domain)
}

/// The customer's domain an email address suggests: its registrable domain, unless that is a
/// mail provider anyone may use.
pub fn customer_domain_of_email(email: &str) -> Option<String> {
    let (_, domain) = email.rsplit_once('@')?;
    let domain = normalise_domain(domain).ok()?;
    (!is_webmail(&domain)).then_some(domain)
}

/// The registrable domain behind what a person typed (an address, a host name, a URL).
pub fn normalise_domain(raw: &str) -> Result<String, DomainError> {
    let mut host = raw.trim();
    if let Some((_, rest)) = host.split_once("://") {
        host = rest;
    }
    // Drop any path, query, credentials and port: only the host name matters.
    host = host.split(['/', '?', '#']).next().unwrap_or_default();
    host = host.rsplit_once('@').map_or(host, |(_, after)| after);
    if host.starts_with('[') || host.parse::<std::net::IpAddr>().is_ok() {
        return Err(DomainError::IpAddress);
    }
    host = host.split_once(':').map_or(host, |(name, _)| name);
    let host = host.trim_end_matches('.');
    if host.is_empty() {
        return Err(DomainError::Empty);
    }
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err(DomainError::IpAddress);
    }
    let ascii = idna::domain_to_ascii(host).map_err(|_| DomainError::Invalid)?;
    // Host names are letters, digits and inner hyphens (IDNA alone lets spaces through).
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if ascii.len() > 253 || !ascii.split('.').all(label_ok) {
        return Err(DomainError::Invalid);
    }
    let registrable = psl::domain_str(&ascii).ok_or(DomainError::NotPublic)?;
    // A name the list knows only as a suffix's own wildcard (e.g. `localhost`) is not a customer.
    if !registrable.contains('.') {
        return Err(DomainError::NotPublic);
    }
    Ok(registrable.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tricky_domains_reduce_to_one_registrable_name() {
        let cases = [
            ("WWW.Example.COM", "example.com"),
            ("example.com", "example.com"),
            ("example.com.", "example.com"),
            ("sales.example.co.uk", "example.co.uk"),
            ("example.co.uk", "example.co.uk"),
            ("https://www.example.com/pricing?x=1", "example.com"),
            ("example.com:8443", "example.com"),
            ("xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("bücher.example", "xn--bcher-kva.example"),
            ("shop.BÜCHER.example", "xn--bcher-kva.example"),
            ("a.b.c.globex.io", "globex.io"),
            ("myapp.github.io", "myapp.github.io"),
        ];
        for (raw, expected) in cases {
            assert_eq!(normalise_domain(raw).as_deref(), Ok(expected), "{raw:?}");
        }
    }

    #[test]
    fn names_that_are_not_a_customer_domain_are_refused() {
        assert_eq!(normalise_domain(""), Err(DomainError::Empty));
        assert_eq!(normalise_domain("   "), Err(DomainError::Empty));
        assert_eq!(normalise_domain("http://"), Err(DomainError::Empty));
        assert_eq!(normalise_domain("192.168.1.20"), Err(DomainError::IpAddress));
        assert_eq!(normalise_domain("http://10.0.0.1:8080/x"), Err(DomainError::IpAddress));
        assert_eq!(normalise_domain("[2001:db8::1]"), Err(DomainError::IpAddress));
        assert_eq!(normalise_domain("2001:db8::1"), Err(DomainError::IpAddress));
        assert_eq!(normalise_domain("localhost"), Err(DomainError::NotPublic));
        assert_eq!(normalise_domain("co.uk"), Err(DomainError::NotPublic));
        assert_eq!(normalise_domain("exa mple.com"), Err(DomainError::Invalid));
        assert_eq!(normalise_domain("example..com"), Err(DomainError::Invalid));
        assert_eq!(normalise_domain("-example.com"), Err(DomainError::Invalid));
        assert_eq!(normalise_domain("exam_ple.com"), Err(DomainError::Invalid));
    }

    #[test]
    fn an_email_suggests_its_company_domain_unless_it_is_webmail() {
        let cases = [
            ("ada@harbour.example", Some("harbour.example")),
            ("ada@sales.harbour.co.uk", Some("harbour.co.uk")),
            ("Ada@GMAIL.com", None),
            ("ada@outlook.com", None),
            ("no-at-sign", None),
            ("ada@192.168.1.1", None),
        ];
        for (email, domain) in cases {
            assert_eq!(customer_domain_of_email(email).as_deref(), domain, "{email}");
        }
    }
}
