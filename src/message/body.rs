//! Body building blocks shared by encryption and decryption
//! (spec: data-format/message-body.md, message-body-aad.md).

use crate::suite::IV_LEN;

/// Marks a final frame in place of a sequence number.
pub const FINAL_FRAME_MARKER: u32 = 0xFFFF_FFFF;
/// Largest non-framed content (AES-GCM's limit).
pub const MAX_NON_FRAMED_LEN: u64 = (1 << 36) - 32;

/// Which content string goes into the body AAD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyPart {
    /// A regular frame.
    Frame,
    /// The final frame.
    FinalFrame,
    /// The single block of a non-framed body.
    SingleBlock,
}

impl BodyPart {
    fn content_string(self) -> &'static [u8] {
        match self {
            BodyPart::Frame => b"AWSKMSEncryptionClient Frame",
            BodyPart::FinalFrame => b"AWSKMSEncryptionClient Final Frame",
            BodyPart::SingleBlock => b"AWSKMSEncryptionClient Single Block",
        }
    }
}

/// Body AAD: message id (16 or 32 bytes) ‖ content string ‖ u32 sequence ‖ u64 length.
pub fn body_aad(aad: &mut Vec<u8>, message_id: &[u8], part: BodyPart, sequence: u32, len: u64) {
    aad.clear();
    aad.extend_from_slice(message_id);
    aad.extend_from_slice(part.content_string());
    aad.extend_from_slice(&sequence.to_be_bytes());
    aad.extend_from_slice(&len.to_be_bytes());
}

/// Frame IV: eight zero bytes ‖ u32 sequence number.
pub fn frame_iv(sequence: u32) -> [u8; IV_LEN] {
    let mut iv = [0u8; IV_LEN];
    iv[8..].copy_from_slice(&sequence.to_be_bytes());
    iv
}
