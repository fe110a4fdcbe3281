//! How an instance is deployed: cookies, proxies, connection limits, the body limit.

use std::time::Duration;

/// How the server is deployed.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when serving over TLS; also set per request when a proxy
    /// says `X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_proxy: bool,
    /// Connection caps and read timeouts.
    pub limits: ServerLimits,
    /// How often the instance looks for the library's changes (made by other instances and
    /// the command line), besides when the store announces one.
    pub refresh_every: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            trust_proxy: false,
            limits: ServerLimits::default(),
            refresh_every: Duration::from_secs(1),
        }
    }
}

/// The largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// How many clients, and for how long.
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// Connections open at once; past it new ones wait in the listen backlog.
    pub max_connections: usize,
    /// Connections open at once from one client address (IPv6: one /64).
    pub max_per_address: usize,
    /// Time to send the request line and headers.
    pub header_timeout: Duration,
    /// Time to send a request body.
    pub body_timeout: Duration,
    /// A connection with nothing read or written for this long is closed.
    pub idle_timeout: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            max_connections: 1024,
            max_per_address: 256,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
        }
    }
}
