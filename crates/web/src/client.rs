//! Who is asking: the client's address as this server may believe it, for in-memory rate limits
//! only (never stored or logged).
//!
//! The connecting peer is the client unless the peer is one of the `trusted_proxies`; only then
//! is the `X-Forwarded-For` chain (or, when there is none, the `Forwarded` header) read, from the
//! right, skipping every hop that is itself a trusted proxy. The first hop that is not trusted is
//! the client. Anyone else's forwarding headers are ignored, so a client cannot choose its own
//! identity. IPv6 addresses are grouped by their /64 (one household or phone gets a whole /64).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::FromRequestParts;
use axum::extract::connect_info::ConnectInfo;
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::AppState;

/// One trusted proxy: an address, or a network in CIDR notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// `192.0.2.1`, `10.0.0.0/8`, `::1`, `fd00::/8`.
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let s = s.trim();
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or network (e.g. 10.0.0.0/8)"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length must be 0 to {max}"))?,
        };
        Ok(Cidr {
            addr: canonical(addr),
            prefix,
        })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// Parses a comma- or space-separated list of trusted proxies.
pub fn parse_trusted(list: &str) -> Result<Vec<Cidr>, String> {
    list.split([',', ' '])
        .filter(|s| !s.trim().is_empty())
        .map(Cidr::parse)
        .collect()
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// The address as a throttling source: IPv4 as it is, IPv6 by its /64.
pub fn source_of(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & (u128::MAX << 64);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

fn is_trusted(trusted: &[Cidr], ip: IpAddr) -> bool {
    trusted.iter().any(|c| c.contains(ip))
}

/// One hop of a forwarding header: `192.0.2.1`, `192.0.2.1:80`, `[2001:db8::1]:80`, `2001:db8::1`,
/// quoted or not. `None` for `unknown`, obfuscated names and garbage.
fn parse_hop(s: &str) -> Option<IpAddr> {
    let s = s.trim().trim_matches('"').trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(sa.ip());
    }
    let inner = s.strip_prefix('[')?;
    let end = inner.find(']')?;
    inner[..end].parse::<Ipv6Addr>().ok().map(IpAddr::V6)
}

/// The hops a forwarding header lists, left (first client) to right (nearest proxy). `X-Forwarded-For`
/// is preferred: the usual proxies (the README's nginx and Caddy) write it, and pass a client's own
/// `Forwarded` header through untouched. A hop that cannot be read is `None`.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let xff: Vec<Option<IpAddr>> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| {
            v.to_str()
                .unwrap_or("?")
                .split(',')
                .map(parse_hop)
                .collect::<Vec<_>>()
        })
        .collect();
    if !xff.is_empty() {
        return xff;
    }
    headers
        .get_all("forwarded")
        .iter()
        .flat_map(|v| {
            v.to_str()
                .unwrap_or("?")
                .split(',')
                .map(|element| {
                    element
                        .split(';')
                        .filter_map(|pair| pair.split_once('='))
                        .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                        .and_then(|(_, v)| parse_hop(v))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The client's address: the peer, unless the peer is a trusted proxy; then the right-most hop of
/// the forwarding chain that is not a trusted proxy. A hop that cannot be read ends the walk at
/// the last trusted address (the proxy that saw it stands for the client).
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    if !is_trusted(trusted, peer) {
        return peer;
    }
    let mut current = peer;
    for hop in forwarded_chain(headers).into_iter().rev() {
        match hop {
            Some(ip) if is_trusted(trusted, ip) => current = ip,
            Some(ip) => return ip,
            None => return current,
        }
    }
    current
}

/// The client's address, for in-memory rate limits only (never stored or logged).
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(peer.map(|p| {
            client_addr(p, &parts.headers, &state.config.trusted_proxies)
        })))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn h(name: &'static str, v: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.append(name, v.parse().unwrap());
        m
    }

    #[test]
    fn untrusted_peers_are_never_believed() {
        let t = parse_trusted("10.0.0.0/8, ::1").unwrap();
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        let hdr = h("x-forwarded-for", "1.2.3.4");
        assert_eq!(client_addr(peer, &hdr, &t), peer);
        assert_eq!(client_addr(peer, &hdr, &[]), peer);
    }

    #[test]
    fn the_chain_is_walked_from_the_right() {
        let t = parse_trusted("10.0.0.0/8").unwrap();
        let peer: IpAddr = "10.0.0.2".parse().unwrap();
        // The client wrote a fake first hop; the proxies appended the real one.
        let hdr = h("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.1.1.1");
        assert_eq!(
            client_addr(peer, &hdr, &t),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        let fwd = h(
            "forwarded",
            "for=6.6.6.6, for=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.9.9.9",
        );
        assert_eq!(
            client_addr(peer, &fwd, &t),
            "2001:db8:cafe::17".parse::<IpAddr>().unwrap()
        );
        // Garbage stops the walk at the proxy.
        let bad = h("x-forwarded-for", "1.1.1.1, nonsense");
        assert_eq!(client_addr(peer, &bad, &t), peer);
        assert_eq!(client_addr(peer, &HeaderMap::new(), &t), peer);
    }

    #[test]
    fn ipv6_is_grouped_by_64() {
        let a = source_of("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = source_of("2001:db8:1:2:bbbb::9".parse().unwrap());
        let c = source_of("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            source_of("::ffff:192.0.2.1".parse().unwrap()),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn cidrs_parse_and_refuse_garbage() {
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("nonsense").is_err());
        assert!(
            Cidr::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert!(
            !Cidr::parse("192.168.0.0/16")
                .unwrap()
                .contains("192.169.0.1".parse().unwrap())
        );
    }
}
