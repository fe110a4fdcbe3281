//! The workspace's own checks: the storage suite on every backend, and the architecture's
//! rules read from the source.

mod architecture;
mod store;
