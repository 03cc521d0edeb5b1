//! The body's frame layout, both directions: the fields encryption writes and decryption reads,
//! the frame IVs and the body AAD (spec: data-format/message-body.md, message-body-aad.md).

use crate::codec::Reader;
use crate::error::{Error, Result};
use crate::message::header::ContentType;
use crate::suite::{IV_LEN, TAG_LEN};

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

/// A complete frame (or single block) at the start of some input, as its fields were read.
#[derive(Debug)]
pub(crate) struct BodyFrame {
    /// Which kind of body part it is.
    pub part: BodyPart,
    /// Its sequence number (1 for a single block).
    pub sequence: u32,
    /// The IV it carries.
    pub iv: [u8; IV_LEN],
    /// Where `ciphertext ‖ tag` starts in the frame.
    pub ciphertext_at: usize,
    /// Ciphertext (= plaintext) length.
    pub ciphertext_len: usize,
    /// Serialized length of the whole frame.
    pub len: usize,
}

/// Reads the frame (or single block) at the start of `data`, in the body layout of a message
/// with this `content_type` and `frame_length` (spec: data-format/message-body.md). An
/// incomplete frame is [`Error::Truncated`]; a length the format does not allow is malformed.
pub(crate) fn read_body_part(
    data: &[u8],
    content_type: ContentType,
    frame_length: u32,
) -> Result<BodyFrame> {
    let mut r = Reader::new(data);
    let (part, sequence, iv, content_len) = match content_type {
        ContentType::NonFramed => {
            let iv = r.array::<IV_LEN>("body.iv")?;
            let len = r.u64("body.content_length")?;
            if len > MAX_NON_FRAMED_LEN {
                return Err(Error::malformed(
                    "body.content_length",
                    "exceeds 2^36 - 32 bytes",
                ));
            }
            (BodyPart::SingleBlock, 1, iv, len)
        }
        ContentType::Framed => {
            let first = r.u32("body.sequence_number")?;
            if first == FINAL_FRAME_MARKER {
                let seq = r.u32("body.final_frame.sequence_number")?;
                let iv = r.array::<IV_LEN>("body.final_frame.iv")?;
                let len = r.u32("body.final_frame.content_length")?;
                if len > frame_length {
                    return Err(Error::malformed(
                        "body.final_frame.content_length",
                        format!("{len} exceeds the frame length {frame_length}"),
                    ));
                }
                (BodyPart::FinalFrame, seq, iv, len as u64)
            } else {
                let iv = r.array::<IV_LEN>("body.frame.iv")?;
                (BodyPart::Frame, first, iv, frame_length as u64)
            }
        }
    };
    let content_len =
        usize::try_from(content_len).map_err(|_| Error::LimitExceeded("content length".into()))?;
    let ciphertext_at = r.position();
    r.take(content_len, "body.ciphertext")?;
    r.take(TAG_LEN, "body.auth_tag")?;
    Ok(BodyFrame {
        part,
        sequence,
        iv,
        ciphertext_at,
        ciphertext_len: content_len,
        len: r.position(),
    })
}
