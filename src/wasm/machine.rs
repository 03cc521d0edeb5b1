//! The small module's message engine for a JS driver (`js/driver.mjs`): the core's sans-IO
//! [`DecryptMachine`] and [`EncryptMachine`], with the materials manager as the only Rust code
//! that waits. Every other step — key derivation, the header tag, frames, signatures — is done
//! by the driver with WebCrypto, so the module carries no async message driver and no AES.
//!
//! A step crosses as an array `[code, …fields]` (codes below, the same for both directions
//! where they mean the same). Byte fields are copies; key bytes handed over (`DeriveKeys`'s
//! data key) are the driver's to zero once imported. Frame work crosses as one byte buffer and
//! a `Uint32Array` of five numbers per job: `[offset, len, ivOffset, aadOffset, aadLen]`, the
//! IVs and AADs laid end to end in a second buffer.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use js_sys::{Array, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::cmm::CryptoMaterialsManager;
use crate::codec::ecdsa_sig;
use crate::crypto::content_key::{OpenJob, SealJob};
use crate::crypto::host::HkdfHash;
use crate::crypto::kdf::{check_data_key, host_plan, COMMIT_INFO};
use crate::crypto::signature::{algorithm_mismatch, VerifyingKey};
use crate::error::Error;
use crate::materials::{DecryptionMaterials, EncryptionMaterials};
use crate::message::decrypt_machine::{DecryptMachine, DecryptStep};
use crate::message::encrypt_machine::{EncryptMachine, EncryptStep};
use crate::suite::{AlgorithmSuite, SignatureAlgorithm};
use crate::wasm::convert::{bytes, decrypted_js, header_js, invalid, js, js_error, promise};
use crate::wasm::host_ecdsa::{curve, width};
use crate::wasm::keyring::WasmKeyring;
use crate::wasm::session::{
    build_client, cmm, decrypt_options, encrypt_options, with_header_limit,
};

/// Step codes.
const INPUT: u32 = 0;
const MATERIALS: u32 = 1;
const DERIVE: u32 = 2;
const HEADER: u32 = 3;
const SIGNATURE_START: u32 = 4;
const FRAMES: u32 = 5;
const SIGNATURE_END: u32 = 6;
const DONE: u32 = 7;

fn step(code: u32, fields: &[JsValue]) -> Array {
    let a = Array::new();
    a.push(&JsValue::from(code));
    for f in fields {
        a.push(f);
    }
    a
}

/// Stops `settle`-able machine `m` with `e` (its unreleased plaintext is wiped) → the error to
/// throw.
macro_rules! stop {
    ($m:expr, $e:expr) => {
        match $m.settle::<()>(Err($e)) {
            Err(e) => js_error(&e),
            Ok(()) => finished(),
        }
    };
}

fn finished() -> JsValue {
    invalid("the message has already finished or failed")
}

fn hash_bits(hash: HkdfHash) -> u32 {
    match hash {
        HkdfHash::Sha256 => 256,
        HkdfHash::Sha384 => 384,
        HkdfHash::Sha512 => 512,
    }
}

/// `[DERIVE, dataKey, hash bits (0 = identity), salt, info, key length, commit info]`.
fn derive_step(suite: AlgorithmSuite, message_id: &[u8], data_key: &[u8]) -> Result<Array, Error> {
    check_data_key(suite, data_key)?;
    let key = bytes(data_key);
    Ok(match host_plan(suite, message_id)? {
        None => step(DERIVE, &[key, JsValue::from(0u32)]),
        Some(plan) => step(
            DERIVE,
            &[
                key,
                JsValue::from(hash_bits(plan.hash)),
                bytes(plan.salt),
                bytes(&plan.info),
                JsValue::from(plan.len as u32),
                if plan.committing {
                    bytes(COMMIT_INFO)
                } else {
                    JsValue::UNDEFINED
                },
            ],
        ),
    })
}

/// Job table and parameter buffer of a batch: per job `[offset, len, ivOffset, aadOffset,
/// aadLen]`.
fn job_table<'a>(
    jobs: impl Iterator<Item = (usize, usize, &'a [u8], &'a [u8])>,
) -> (JsValue, JsValue) {
    let mut table = Vec::new();
    let mut params = Vec::new();
    for (offset, len, iv, aad) in jobs {
        let iv_at = params.len();
        params.extend_from_slice(iv);
        let aad_at = params.len();
        params.extend_from_slice(aad);
        for n in [offset, len, iv_at, aad_at, aad.len()] {
            table.push(u32::try_from(n).unwrap_or(u32::MAX));
        }
    }
    (Uint32Array::from(table.as_slice()).into(), bytes(&params))
}

fn open_jobs(jobs: &[OpenJob]) -> (JsValue, JsValue) {
    job_table(
        jobs.iter()
            .map(|j| (j.sealed, j.len, &j.iv[..], &j.aad[..])),
    )
}

fn seal_jobs(jobs: &[SealJob]) -> (JsValue, JsValue) {
    job_table(jobs.iter().map(|j| (j.start, j.len, &j.iv[..], &j.aad[..])))
}

/// The materials manager's answer, shared with the promise that waits for it.
type Slot<T> = Rc<RefCell<Option<T>>>;

/// Decrypts one message: the machine, its materials manager and materials.
#[wasm_bindgen]
pub struct WasmDecryptMachine {
    machine: Option<DecryptMachine>,
    cmm: Arc<dyn CryptoMaterialsManager>,
    pending: Slot<DecryptionMaterials>,
    materials: Option<DecryptionMaterials>,
}

/// A decryption (arguments as `WasmClient::decryptor`).
#[wasm_bindgen(js_name = decryptMachine)]
pub fn decrypt_machine(
    policy: &str,
    max_edks: u32,
    keyring: &WasmKeyring,
    context: Vec<String>,
    required_keys: Vec<String>,
    signed_messages: u8,
    max_header_len: u32,
) -> Result<WasmDecryptMachine, JsValue> {
    let client = with_header_limit(build_client(policy, max_edks)?, max_header_len);
    let cmm = cmm(keyring, required_keys)?;
    let options = decrypt_options(context, signed_messages)?;
    Ok(WasmDecryptMachine {
        machine: Some(client.decrypt_machine(options)),
        cmm,
        pending: Rc::default(),
        materials: None,
    })
}

impl WasmDecryptMachine {
    fn m(&mut self) -> Result<&mut DecryptMachine, JsValue> {
        self.machine.as_mut().ok_or_else(finished)
    }

    /// Runs `f` on the machine; an error stops it (`settle`) and is thrown.
    fn answer(
        &mut self,
        f: impl FnOnce(&mut DecryptMachine) -> crate::Result<()>,
    ) -> Result<(), JsValue> {
        let m = self.m()?;
        let r = f(m);
        js(m.settle(r))
    }
}

#[wasm_bindgen]
impl WasmDecryptMachine {
    /// Adds message bytes.
    pub fn input(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.m()?.input(chunk);
        Ok(())
    }

    /// Ends the input.
    pub fn end(&mut self) -> Result<(), JsValue> {
        self.m()?.end();
        Ok(())
    }

    /// The next step: `[0]` input; `[1]` materials (`materials()`, then `useMaterials()`);
    /// `[2, …]` derive (`keysDerived`); `[3, iv, aad, tag]` header tag (`headerOpened`);
    /// `[4, curve, sec1, header]` start verifying (`verifierStarted` / `verifierFailed`);
    /// `[5, frames, jobs, params]` open (`putPlaintext` per job, then `opened`); `[6, r‖s]`
    /// verify (`verified`; no signature field: the DER was malformed); `[7]` done (`finish`).
    pub fn step(&mut self) -> Result<Array, JsValue> {
        let materials = &mut self.materials;
        let m = self.machine.as_mut().ok_or_else(finished)?;
        // The footer's algorithm, once the header is authenticated.
        let alg = m.header().and_then(|h| h.suite.signature());
        let s = js(m.step())?;
        let out = match s {
            DecryptStep::NeedInput => Ok(step(INPUT, &[])),
            DecryptStep::NeedMaterials(_) => Ok(step(MATERIALS, &[])),
            DecryptStep::DeriveKeys { suite, message_id } => {
                match materials.as_ref().and_then(|m| m.data_key.as_ref()) {
                    Some(dk) => derive_step(suite, message_id, dk.as_bytes()),
                    None => Err(Error::NoDecryptingKeyring(Vec::new())),
                }
            }
            DecryptStep::OpenHeader { iv, aad, tag } => {
                Ok(step(HEADER, &[bytes(iv), bytes(aad), bytes(tag)]))
            }
            DecryptStep::StartVerifier { alg, header } => {
                match materials.as_ref().and_then(|m| m.verifying_key.as_ref()) {
                    Some(VerifyingKey::Host(key_alg, sec1)) if *key_alg == alg => Ok(step(
                        SIGNATURE_START,
                        &[JsValue::from(curve(alg)), bytes(sec1), bytes(header)],
                    )),
                    Some(_) => Err(algorithm_mismatch()),
                    None => Err(Error::SignatureInvalid(
                        "no verification key for a signed message".into(),
                    )),
                }
            }
            DecryptStep::Open(work) => {
                let (jobs, params) = open_jobs(work.jobs);
                Ok(step(FRAMES, &[bytes(work.src), jobs, params]))
            }
            DecryptStep::Verify { signature } => {
                match alg {
                    // A malformed DER signature crosses as no signature: it does not verify.
                    Some(alg) => Ok(match ecdsa_sig::der_to_fixed(signature, width(alg)) {
                        Some(fixed) => step(SIGNATURE_END, &[bytes(&fixed)]),
                        None => step(SIGNATURE_END, &[]),
                    }),
                    None => Err(Error::SignatureInvalid("no verifier".into())),
                }
            }
            DecryptStep::Done => Ok(step(DONE, &[])),
        };
        out.map_err(|e| stop!(m, e))
    }

    /// Asks the materials manager for the step `[1]` → Promise (then `useMaterials()`).
    pub fn materials(&mut self) -> Result<js_sys::Promise, JsValue> {
        let m = self.m()?;
        let request = match js(m.step())? {
            DecryptStep::NeedMaterials(request) => request,
            _ => return Err(invalid("no materials were asked for")),
        };
        let cmm = self.cmm.clone();
        let slot = self.pending.clone();
        Ok(promise(async move {
            let materials = js(cmm.decrypt_materials(request).await)?;
            *slot.borrow_mut() = Some(materials);
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// Answers step `[1]` with the materials `materials()` got.
    #[wasm_bindgen(js_name = useMaterials)]
    pub fn use_materials(&mut self) -> Result<(), JsValue> {
        let materials = self.pending.borrow_mut().take().ok_or_else(finished)?;
        self.answer(|m| m.use_materials(&materials))?;
        self.materials = Some(materials);
        Ok(())
    }

    /// Answers step `[2]`: the commit key, for a committing suite.
    #[wasm_bindgen(js_name = keysDerived)]
    pub fn keys_derived(&mut self, commit_key: Option<Vec<u8>>) -> Result<(), JsValue> {
        let commit_key = commit_key.map(Zeroizing::new);
        if let Some(m) = self.materials.as_mut() {
            m.data_key = None; // the driver holds the content key now
        }
        self.answer(|m| m.keys_derived(commit_key.as_ref().map(|c| &c[..])))
    }

    /// Answers step `[3]`.
    #[wasm_bindgen(js_name = headerOpened)]
    pub fn header_opened(&mut self, verified: bool) -> Result<(), JsValue> {
        self.answer(|m| m.header_opened(verified))
    }

    /// Answers step `[4]`: the driver's verifier is ready (and has the header).
    #[wasm_bindgen(js_name = verifierStarted)]
    pub fn verifier_started(&mut self) -> Result<(), JsValue> {
        self.materials = None;
        self.answer(|m| m.verifier_started())
    }

    /// Answers step `[4]`: the host refused the verification key. Returns the error to throw.
    #[wasm_bindgen(js_name = verifierFailed)]
    pub fn verifier_failed(&mut self, curve: u32) -> JsValue {
        let alg = if curve == 256 {
            SignatureAlgorithm::EcdsaP256Sha256
        } else {
            SignatureAlgorithm::EcdsaP384Sha384
        };
        let e = crate::crypto::signature::not_a_point(alg);
        match self.machine.as_mut() {
            Some(m) => stop!(m, e),
            None => js_error(&e),
        }
    }

    /// Step `[5]`: job `index`'s plaintext. Taken owned so that the argument's copy in wasm
    /// memory is zeroized here (a borrowed slice's would be freed as it is).
    #[wasm_bindgen(js_name = putPlaintext)]
    pub fn put_plaintext(&mut self, index: usize, plaintext: Vec<u8>) -> Result<(), JsValue> {
        let plaintext = Zeroizing::new(plaintext);
        let m = self.m()?;
        let DecryptStep::Open(work) = js(m.step())? else {
            return Err(invalid("no frames are being opened"));
        };
        let job = work.jobs.get(index).ok_or_else(|| invalid("no such job"))?;
        let dest = job
            .start
            .checked_add(job.len)
            .and_then(|end| work.dest.get_mut(job.start..end))
            .filter(|d| d.len() == plaintext.len())
            .ok_or_else(|| invalid("plaintext of the wrong length"))?;
        dest.copy_from_slice(&plaintext);
        Ok(())
    }

    /// Answers step `[5]`: `failed` = the first job whose tag did not verify, or -1.
    pub fn opened(&mut self, failed: i32) -> Result<(), JsValue> {
        let result = usize::try_from(failed).map_or(Ok(()), Err);
        self.answer(|m| m.opened(result))
    }

    /// Answers step `[6]`.
    pub fn verified(&mut self, matched: bool) -> Result<(), JsValue> {
        self.answer(|m| m.verified(matched))
    }

    /// The plaintext that may be released now (the wasm copy is zeroized).
    #[wasm_bindgen(js_name = takePlaintext)]
    pub fn take_plaintext(&mut self) -> Result<Uint8Array, JsValue> {
        let mut out = Zeroizing::new(Vec::new());
        self.m()?.take_plaintext(&mut out);
        Ok(Uint8Array::from(out.as_slice()))
    }

    /// The authenticated header, or `undefined` until then.
    pub fn header(&self) -> JsValue {
        self.machine
            .as_ref()
            .and_then(|m| m.header())
            .map_or(JsValue::UNDEFINED, header_js)
    }

    /// Ends the message → `{ plaintext (the rest), messageHeader, encryptionContext }`.
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let m = self.machine.take().ok_or_else(finished)?;
        let mut out = Zeroizing::new(Vec::new());
        let info = js(m.finish(&mut out))?;
        Ok(decrypted_js(
            &mut out,
            &info.header,
            &info.encryption_context,
        ))
    }
}

/// Encrypts one message: the machine, its materials manager and materials.
#[wasm_bindgen]
pub struct WasmEncryptMachine {
    machine: Option<EncryptMachine>,
    cmm: Arc<dyn CryptoMaterialsManager>,
    pending: Slot<EncryptionMaterials>,
    materials: Option<EncryptionMaterials>,
}

/// An encryption (arguments as `WasmClient::encryptor`); `plaintext_length`, when known, bounds
/// the input (and lets a caching manager charge it).
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = encryptMachine)]
pub fn encrypt_machine(
    policy: &str,
    max_edks: u32,
    keyring: &WasmKeyring,
    context: Vec<String>,
    required_keys: Vec<String>,
    suite: Option<u32>,
    frame_length: Option<u32>,
    plaintext_length: Option<f64>,
) -> Result<WasmEncryptMachine, JsValue> {
    let client = build_client(policy, max_edks)?;
    let cmm = cmm(keyring, required_keys)?;
    let options = encrypt_options(context, suite, frame_length)?;
    // A JS number of bytes: an integer below 2^53 (a Uint8Array's length).
    let declared = plaintext_length.map(|n| n as u64);
    Ok(WasmEncryptMachine {
        machine: Some(js(client.encrypt_machine(options, declared))?),
        cmm,
        pending: Rc::default(),
        materials: None,
    })
}

impl WasmEncryptMachine {
    fn m(&mut self) -> Result<&mut EncryptMachine, JsValue> {
        self.machine.as_mut().ok_or_else(finished)
    }

    fn answer(
        &mut self,
        f: impl FnOnce(&mut EncryptMachine) -> crate::Result<()>,
    ) -> Result<(), JsValue> {
        let m = self.m()?;
        let r = f(m);
        js(m.settle(r))
    }
}

#[wasm_bindgen]
impl WasmEncryptMachine {
    /// The next step: `[1]` materials (`materials()`, then `useMaterials()`); `[2, …]` derive
    /// (`keysDerived`); `[3, iv, aad]` header tag (`headerSealed`); `[4, signer, header]` start
    /// signing (`signerStarted`); `[0]` input (`input` / `end`); `[5, frames, jobs, params]`
    /// seal (`putSealed` per job, then `sealed`); `[6]` sign (`signed`); `[7]` done.
    pub fn step(&mut self) -> Result<Array, JsValue> {
        let materials = &self.materials;
        let m = self.machine.as_mut().ok_or_else(finished)?;
        let s = js(m.step())?;
        let out = match s {
            EncryptStep::NeedMaterials(_) => Ok(step(MATERIALS, &[])),
            EncryptStep::DeriveKeys { suite, message_id } => {
                match materials.as_ref().and_then(|m| m.data_key.as_ref()) {
                    Some(dk) => derive_step(suite, message_id, dk.as_bytes()),
                    None => Err(Error::Keyring("the materials have no data key".into())),
                }
            }
            EncryptStep::SealHeader { iv, aad } => Ok(step(HEADER, &[bytes(iv), bytes(aad)])),
            EncryptStep::StartSigner { alg: _, header } => {
                let signer = materials
                    .as_ref()
                    .and_then(|m| m.signing_key.as_ref())
                    .and_then(crate::wasm::host_ecdsa::js_signer);
                match signer {
                    Some(signer) => Ok(step(SIGNATURE_START, &[signer, bytes(header)])),
                    None => Err(Error::invalid(
                        "no WebCrypto signing key for a signing suite",
                    )),
                }
            }
            EncryptStep::NeedInput => Ok(step(INPUT, &[])),
            EncryptStep::Seal(work) => {
                let (jobs, params) = seal_jobs(work.jobs);
                Ok(step(FRAMES, &[bytes(work.buf), jobs, params]))
            }
            EncryptStep::Sign => Ok(step(SIGNATURE_END, &[])),
            EncryptStep::Done => Ok(step(DONE, &[])),
        };
        out.map_err(|e| stop!(m, e))
    }

    /// Asks the materials manager for the step `[1]` → Promise (then `useMaterials()`).
    pub fn materials(&mut self) -> Result<js_sys::Promise, JsValue> {
        let m = self.m()?;
        let request = match js(m.step())? {
            EncryptStep::NeedMaterials(request) => request,
            _ => return Err(invalid("no materials were asked for")),
        };
        let cmm = self.cmm.clone();
        let slot = self.pending.clone();
        Ok(promise(async move {
            let materials = js(cmm.get_encryption_materials(request).await)?;
            *slot.borrow_mut() = Some(materials);
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// Answers step `[1]` with the materials `materials()` got.
    #[wasm_bindgen(js_name = useMaterials)]
    pub fn use_materials(&mut self) -> Result<(), JsValue> {
        let materials = self.pending.borrow_mut().take().ok_or_else(finished)?;
        self.answer(|m| m.use_materials(&materials))?;
        self.materials = Some(materials);
        Ok(())
    }

    /// Answers step `[2]`: the commit key, for a committing suite.
    #[wasm_bindgen(js_name = keysDerived)]
    pub fn keys_derived(&mut self, commit_key: Option<Vec<u8>>) -> Result<(), JsValue> {
        let commit_key = commit_key.map(Zeroizing::new);
        if let Some(m) = self.materials.as_mut() {
            m.data_key = None;
        }
        self.answer(|m| m.keys_derived(commit_key.as_ref().map(|c| &c[..])))
    }

    /// Answers step `[3]` with the 16-byte tag.
    #[wasm_bindgen(js_name = headerSealed)]
    pub fn header_sealed(&mut self, tag: &[u8]) -> Result<(), JsValue> {
        self.answer(|m| m.header_sealed(tag))
    }

    /// Answers step `[4]`: the signer has the header.
    #[wasm_bindgen(js_name = signerStarted)]
    pub fn signer_started(&mut self) -> Result<(), JsValue> {
        self.materials = None;
        self.answer(|m| m.signer_started())
    }

    /// Adds plaintext (its copy in wasm memory is zeroized).
    pub fn input(&mut self, chunk: Vec<u8>) -> Result<(), JsValue> {
        let chunk = Zeroizing::new(chunk);
        self.answer(|m| m.input(&chunk))
    }

    /// Ends the plaintext.
    pub fn end(&mut self) -> Result<(), JsValue> {
        self.m()?.end();
        Ok(())
    }

    /// Step `[5]`: job `index`'s `ciphertext ‖ tag`, written in place.
    #[wasm_bindgen(js_name = putSealed)]
    pub fn put_sealed(&mut self, index: usize, sealed: &[u8]) -> Result<(), JsValue> {
        let m = self.m()?;
        let EncryptStep::Seal(work) = js(m.step())? else {
            return Err(invalid("no frames are being sealed"));
        };
        let job = work.jobs.get(index).ok_or_else(|| invalid("no such job"))?;
        let dest = job
            .start
            .checked_add(job.len)
            .and_then(|end| end.checked_add(crate::suite::TAG_LEN))
            .and_then(|end| work.buf.get_mut(job.start..end))
            .filter(|d| d.len() == sealed.len())
            .ok_or_else(|| invalid("sealed frame of the wrong length"))?;
        dest.copy_from_slice(sealed);
        Ok(())
    }

    /// Answers step `[5]` → the sealed batch as the signer must get it (empty when unsigned).
    pub fn sealed(&mut self) -> Result<Uint8Array, JsValue> {
        let m = self.m()?;
        let signed = match js(m.step())? {
            EncryptStep::Seal(work) if work.signed => Uint8Array::from(&*work.buf),
            _ => Uint8Array::new_with_length(0),
        };
        self.answer(|m| m.sealed())?;
        Ok(signed)
    }

    /// Answers step `[6]` with WebCrypto's `r ‖ s` signature.
    pub fn signed(&mut self, fixed: &[u8]) -> Result<(), JsValue> {
        let der = ecdsa_sig::fixed_to_der(fixed)
            .ok_or_else(|| Error::SignatureInvalid("the host signature is malformed".into()));
        self.answer(|m| m.signed(&der?))
    }

    /// The message bytes ready so far.
    #[wasm_bindgen(js_name = takeOutput)]
    pub fn take_output(&mut self) -> Result<Uint8Array, JsValue> {
        let mut out = Vec::new();
        self.m()?.take_output(&mut out);
        Ok(Uint8Array::from(out.as_slice()))
    }

    /// The message header, once its tag is made (else `undefined`).
    pub fn header(&self) -> JsValue {
        self.machine
            .as_ref()
            .and_then(|m| m.header())
            .map_or(JsValue::UNDEFINED, header_js)
    }
}
