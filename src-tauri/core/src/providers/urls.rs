//! The rules every provider URL passes. URLs are https. Plain http is accepted only on the IP
//! literals 127.0.0.1 and [::1], and only for a provider that opts in
//! (`allow_plain_http_loopback`), or the built-in sandbox: any local user can listen on a
//! loopback port while the provider is down (or on the other address `localhost` resolves to,
//! RFC 6761 §6.3), and would then be sent the client secret and refresh tokens. For the same
//! reason such a provider's accounts are refreshed in the background only when it opts in to
//! that as well (`refresh_plain_http_in_background`).

use url::Url;

/// Whether a provider may be reached over plain http on this machine (127.0.0.1 and [::1]
/// only), and whether its accounts are then refreshed in the background.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlainHttp {
    /// https only.
    #[default]
    Refused,
    /// Plain http on loopback too (`allow_plain_http_loopback`): linked and refreshed when the
    /// person asks, never in the background, when nobody is watching who answers on the port.
    Loopback,
    /// As [`PlainHttp::Loopback`], and refreshed in the background too
    /// (`refresh_plain_http_in_background`; the built-in sandbox, which this process runs and
    /// checked, see `engine/sandbox.rs`).
    LoopbackInBackground,
}

impl PlainHttp {
    /// From the providers file's two opt-ins; the second means nothing without the first.
    pub fn from_opt_ins(allow: bool, in_background: bool) -> Self {
        match (allow, in_background) {
            (false, _) => Self::Refused,
            (true, false) => Self::Loopback,
            (true, true) => Self::LoopbackInBackground,
        }
    }
}

/// Whether a URL's host is this machine, by any name or address: `localhost` and names under
/// it (RFC 6761 §6.3), the loopback addresses (127.0.0.0/8, ::1, and 127.x mapped into IPv6),
/// and the unspecified ones (0.0.0.0, ::), which reach this machine too when connected to.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || ip
                    .to_ipv4_mapped()
                    .is_some_and(|v4| v4.is_loopback() || v4.is_unspecified())
        }
        Some(url::Host::Domain(domain)) => {
            let domain = domain.trim_end_matches('.').to_ascii_lowercase();
            domain == "localhost" || domain.ends_with(".localhost")
        }
        None => false,
    }
}

/// Whether a URL's host is one of the two loopback IP literals plain http is accepted on:
/// 127.0.0.1 and [::1]. Never a name: `localhost` resolves to both addresses, and another
/// user may listen on the one the provider does not.
fn is_loopback_literal(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(url::Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        _ => false,
    }
}

/// Provider URLs must be https; plain http only on 127.0.0.1 or [::1], and only when the
/// provider opted in (`plain_http`).
pub fn check_url(url: &Url, plain_http: PlainHttp) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if !is_loopback_literal(url) && is_loopback(url) => Err(format!(
            "{url} must use https: plain http is accepted only on the addresses 127.0.0.1 and \
             [::1], never on a name such as \"localhost\", which also reaches whatever another \
             user runs on the same port of the other address"
        )),
        "http" if !is_loopback_literal(url) => Err(format!(
            "{url} must use https (plain http only on 127.0.0.1 and [::1])"
        )),
        "http" if plain_http == PlainHttp::Refused => Err(format!(
            "{url} uses plain http, which sends the client secret and tokens unencrypted to \
             whatever program holds that port; to accept it for this provider, set \
             allow_plain_http_loopback = true in providers.toml (`grantry providers add \
             --allow-plain-http-loopback`, or \"Allow plain http on 127.0.0.1 and [::1]\" in \
             the Providers screen's editor)"
        )),
        "http" => Ok(()),
        other => Err(format!("{url} has the scheme {other:?}; use https")),
    }
}
