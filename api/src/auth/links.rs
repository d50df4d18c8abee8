//! Signed links: an address that carries its own proof of who asked for it and until when
//! (HMAC-SHA256 over the address's parts), so a browser can fetch a report file without
//! holding the caller's token. The link names the signer; following it checks that
//! signer's rights as they stand then, exactly as their token would.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

pub struct LinkSigner {
    key: Vec<u8>,
}

impl LinkSigner {
    /// From `DOWNLOAD_LINK_SECRET`, or a key of this process's own.
    pub fn new(secret: Option<&str>) -> Result<Self, String> {
        match secret {
            Some(s) if s.len() < 32 => Err("DOWNLOAD_LINK_SECRET: at least 32 bytes".to_owned()),
            Some(s) => Ok(Self {
                key: s.as_bytes().to_vec(),
            }),
            None => Ok(Self {
                key: rand::random::<[u8; 32]>().to_vec(),
            }),
        }
    }

    fn mac(&self, parts: &[&str]) -> HmacSha256 {
        // A key of any length is accepted by HMAC; `new_from_slice` cannot fail here.
        let mut mac = HmacSha256::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
        for p in parts {
            // Length-prefixed, so no two different part lists sign the same bytes.
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p.as_bytes());
        }
        mac
    }

    /// The signature of `parts`, URL-safe.
    pub fn sign(&self, parts: &[&str]) -> String {
        // A signed link expires and names its signer: no answer holding one is kept.
        crate::cache::footprint::volatile();
        URL_SAFE_NO_PAD.encode(self.mac(parts).finalize().into_bytes())
    }

    /// Whether `signature` signs `parts` (compared in constant time).
    pub fn verify(&self, parts: &[&str], signature: &str) -> bool {
        let Ok(sig) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        self.mac(parts).verify_slice(&sig).is_ok()
    }
}

/// What a download link signs, in order: the file's path, its variant and filter as the
/// query carries them, the signer, whether the signer acts as IBM_CHANNEL, and the expiry
/// (unix seconds).
pub fn download_parts<'a>(
    path: &'a str,
    variant: &'a str,
    filter: &'a str,
    by: &'a str,
    ibm_channel: bool,
    expires: &'a str,
) -> [&'a str; 6] {
    [
        path,
        variant,
        filter,
        by,
        if ibm_channel { "1" } else { "0" },
        expires,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_for_its_parts_only() {
        let s = LinkSigner::new(Some("0123456789abcdef0123456789abcdef")).expect("signer");
        let sig = s.sign(&["a", "bc"]);
        assert!(s.verify(&["a", "bc"], &sig));
        assert!(!s.verify(&["ab", "c"], &sig), "parts are length-prefixed");
        assert!(!s.verify(&["a", "bd"], &sig));
        assert!(!s.verify(&["a", "bc"], "not base64!"));
        let other = LinkSigner::new(None).expect("signer");
        assert!(!other.verify(&["a", "bc"], &sig));
        assert!(LinkSigner::new(Some("short")).is_err());
    }
}
