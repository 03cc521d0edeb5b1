//! The small module's message engine for a JS driver (`js/driver.mjs`): the core's sans-IO
//! [`DecryptMachine`] and [`EncryptMachine`], with the materials manager as the only Rust code
//! that waits. Every other step — key derivation, the header tag, frames, signatures — is done
//! by the driver with WebCrypto, so the module carries no async message driver and no AES.
//!
//! A step crosses as an array `[code, …fields]` (codes below, the same for both directions
//! where they mean the same). Byte fields are copies, except the header tag's and a batch's
//! (views the driver hands to WebCrypto at once, which copies them); key bytes
//! handed over (`DeriveKeys`'s data key) are the driver's to zero once imported. Frame work
//! crosses as a view of the frames in wasm memory ([`memory_view`]: no copy of the bulk data
//! on the way out) and a `Uint32Array` of six numbers per job: `[offset, len, ivOffset,
//! aadOffset, aadLen, targetOffset]`, the IVs and AADs laid end to end in a second buffer. The
//! driver writes each job's result into `target()` at `targetOffset`: one copy on the way in.

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
use crate::future::BoxFuture;
use crate::materials::{DecryptionMaterials, EncryptionMaterials};
use crate::message::decrypt_machine::{DecryptMachine, DecryptStep};
use crate::message::encrypt_machine::{EncryptMachine, EncryptStep};
use crate::plaintext_buf::PlaintextBuf;
use crate::suite::AlgorithmSuite;
use crate::wasm::convert::{
    bytes, decrypted_js, header_js, invalid, js, js_error, memory_view, promise,
};
use crate::wasm::host_ecdsa::{curve, width};
use crate::wasm::keyring::WasmKeyring;
use crate::wasm::session::{decrypt_setup, encrypt_setup};

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
/// aadLen, targetOffset]`.
fn job_table<'a>(
    jobs: impl Iterator<Item = (usize, usize, &'a [u8], &'a [u8], usize)>,
) -> (JsValue, JsValue) {
    let mut table = Vec::new();
    let mut params = Vec::new();
    for (offset, len, iv, aad, target) in jobs {
        let iv_at = params.len();
        params.extend_from_slice(iv);
        let aad_at = params.len();
        params.extend_from_slice(aad);
        for n in [offset, len, iv_at, aad_at, aad.len(), target] {
            table.push(u32::try_from(n).unwrap_or(u32::MAX));
        }
    }
    (Uint32Array::from(table.as_slice()).into(), bytes(&params))
}

fn open_jobs(jobs: &[OpenJob]) -> (JsValue, JsValue) {
    job_table(
        jobs.iter()
            .map(|j| (j.sealed, j.len, &j.iv[..], &j.aad[..], j.start)),
    )
}

fn seal_jobs(jobs: &[SealJob]) -> (JsValue, JsValue) {
    // Sealed in place: `ciphertext ‖ tag` goes where the plaintext is.
    job_table(
        jobs.iter()
            .map(|j| (j.start, j.len, &j.iv[..], &j.aad[..], j.start)),
    )
}

/// The materials manager's answer, shared with the promise that waits for it.
type Slot<T> = Rc<RefCell<Option<T>>>;

/// What the bindings need of a machine, the same for both directions.
trait Machine: Sized + 'static {
    type Materials: 'static;
    /// `Machine::settle`: an error stops the machine.
    fn settle_unit(&mut self, r: crate::Result<()>) -> crate::Result<()>;
    /// For a materials step: the manager's call for it.
    fn ask(
        &mut self,
        cmm: Arc<dyn CryptoMaterialsManager>,
    ) -> crate::Result<Option<BoxFuture<'static, crate::Result<Self::Materials>>>>;
    fn take_materials(&mut self, materials: &Self::Materials) -> crate::Result<()>;
    fn derived(&mut self, commit_key: Option<&[u8]>) -> crate::Result<()>;
    /// The driver holds the content key now: the data key is dropped (zeroized).
    fn forget_data_key(materials: &mut Self::Materials);
}

/// A machine with its materials manager and the materials the manager gave (kept for the steps
/// that read them: derivation, the signing or verification key).
struct Driven<M: Machine> {
    machine: Option<M>,
    cmm: Arc<dyn CryptoMaterialsManager>,
    pending: Slot<M::Materials>,
    materials: Option<M::Materials>,
}

impl<M: Machine> Driven<M> {
    fn new(machine: M, cmm: Arc<dyn CryptoMaterialsManager>) -> Self {
        Driven {
            machine: Some(machine),
            cmm,
            pending: Rc::default(),
            materials: None,
        }
    }

    fn m(&mut self) -> Result<&mut M, JsValue> {
        self.machine.as_mut().ok_or_else(finished)
    }

    /// Runs `f` on the machine; an error stops it (`settle`) and is thrown.
    fn answer(&mut self, f: impl FnOnce(&mut M) -> crate::Result<()>) -> Result<(), JsValue> {
        let m = self.m()?;
        let r = f(m);
        js(m.settle_unit(r))
    }

    /// Asks the materials manager for the materials step → Promise (then `use_materials`).
    fn materials(&mut self) -> Result<js_sys::Promise, JsValue> {
        let cmm = self.cmm.clone();
        let call = js(self.m()?.ask(cmm))?.ok_or_else(|| invalid("no materials were asked for"))?;
        let slot = self.pending.clone();
        Ok(promise(async move {
            *slot.borrow_mut() = Some(js(call.await)?);
            Ok(JsValue::UNDEFINED)
        }))
    }

    fn use_materials(&mut self) -> Result<(), JsValue> {
        let materials = self.pending.borrow_mut().take().ok_or_else(finished)?;
        self.answer(|m| m.take_materials(&materials))?;
        self.materials = Some(materials);
        Ok(())
    }

    fn keys_derived(&mut self, commit_key: Option<Vec<u8>>) -> Result<(), JsValue> {
        let commit_key = commit_key.map(Zeroizing::new);
        if let Some(m) = self.materials.as_mut() {
            M::forget_data_key(m);
        }
        self.answer(|m| m.derived(commit_key.as_ref().map(|c| &c[..])))
    }

    /// The signer or verifier has its key: the materials are no longer needed.
    fn key_handed_over(
        &mut self,
        f: impl FnOnce(&mut M) -> crate::Result<()>,
    ) -> Result<(), JsValue> {
        self.materials = None;
        self.answer(f)
    }
}

impl Machine for DecryptMachine {
    type Materials = DecryptionMaterials;
    fn settle_unit(&mut self, r: crate::Result<()>) -> crate::Result<()> {
        self.settle(r)
    }
    fn ask(
        &mut self,
        cmm: Arc<dyn CryptoMaterialsManager>,
    ) -> crate::Result<Option<BoxFuture<'static, crate::Result<DecryptionMaterials>>>> {
        Ok(match self.step()? {
            DecryptStep::NeedMaterials(request) => {
                Some(Box::pin(
                    async move { cmm.decrypt_materials(request).await },
                ))
            }
            _ => None,
        })
    }
    fn take_materials(&mut self, materials: &DecryptionMaterials) -> crate::Result<()> {
        self.use_materials(materials)
    }
    fn derived(&mut self, commit_key: Option<&[u8]>) -> crate::Result<()> {
        self.keys_derived(commit_key)
    }
    fn forget_data_key(materials: &mut DecryptionMaterials) {
        materials.data_key = None;
    }
}

impl Machine for EncryptMachine {
    type Materials = EncryptionMaterials;
    fn settle_unit(&mut self, r: crate::Result<()>) -> crate::Result<()> {
        self.settle(r)
    }
    fn ask(
        &mut self,
        cmm: Arc<dyn CryptoMaterialsManager>,
    ) -> crate::Result<Option<BoxFuture<'static, crate::Result<EncryptionMaterials>>>> {
        Ok(match self.step()? {
            EncryptStep::NeedMaterials(request) => Some(Box::pin(async move {
                cmm.get_encryption_materials(request).await
            })),
            _ => None,
        })
    }
    fn take_materials(&mut self, materials: &EncryptionMaterials) -> crate::Result<()> {
        self.use_materials(materials)
    }
    fn derived(&mut self, commit_key: Option<&[u8]>) -> crate::Result<()> {
        self.keys_derived(commit_key)
    }
    fn forget_data_key(materials: &mut EncryptionMaterials) {
        materials.data_key = None;
    }
}

/// Decrypts one message: the machine, its materials manager and materials.
#[wasm_bindgen]
pub struct WasmDecryptMachine(Driven<DecryptMachine>);

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
    let (client, cmm, options) = decrypt_setup(
        policy,
        max_edks,
        keyring,
        context,
        required_keys,
        signed_messages,
        max_header_len,
    )?;
    Ok(WasmDecryptMachine(Driven::new(
        client.decrypt_machine(options),
        cmm,
    )))
}

#[wasm_bindgen]
impl WasmDecryptMachine {
    /// Adds message bytes (taken: the copy wasm-bindgen made is kept, not copied again).
    pub fn input(&mut self, chunk: Vec<u8>) -> Result<(), JsValue> {
        self.0.m()?.input_vec(chunk);
        Ok(())
    }

    /// Ends the input.
    pub fn end(&mut self) -> Result<(), JsValue> {
        self.0.m()?.end();
        Ok(())
    }

    /// The next step: `[0]` input; `[1]` materials (`materials()`, then `useMaterials()`);
    /// `[2, …]` derive (`keysDerived`); `[3, iv, aad, tag]` header tag (`headerOpened`);
    /// `[4, curve, sec1, header]` start verifying (`verifierStarted` / `verifierFailed`);
    /// `[5, frames (a view), jobs, params]` open (each plaintext into `target()`, then
    /// `opened`); `[6, r‖s]`
    /// verify (`verified`; no signature field: the DER was malformed); `[7]` done (`finish`).
    pub fn step(&mut self) -> Result<Array, JsValue> {
        let materials = &self.0.materials;
        let m = self.0.machine.as_mut().ok_or_else(finished)?;
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
            // Views: the driver hands them to WebCrypto at once, which copies them.
            DecryptStep::OpenHeader { iv, aad, tag } => Ok(step(
                HEADER,
                &[memory_view(iv), memory_view(aad), memory_view(tag)],
            )),
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
                Ok(step(FRAMES, &[memory_view(work.src), jobs, params]))
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
        self.0.materials()
    }

    /// Answers step `[1]` with the materials `materials()` got.
    #[wasm_bindgen(js_name = useMaterials)]
    pub fn use_materials(&mut self) -> Result<(), JsValue> {
        self.0.use_materials()
    }

    /// Answers step `[2]`: the commit key, for a committing suite.
    #[wasm_bindgen(js_name = keysDerived)]
    pub fn keys_derived(&mut self, commit_key: Option<Vec<u8>>) -> Result<(), JsValue> {
        self.0.keys_derived(commit_key)
    }

    /// Answers step `[3]`.
    #[wasm_bindgen(js_name = headerOpened)]
    pub fn header_opened(&mut self, verified: bool) -> Result<(), JsValue> {
        self.0.answer(|m| m.header_opened(verified))
    }

    /// Answers step `[4]`: the driver's verifier is ready (and has the header).
    #[wasm_bindgen(js_name = verifierStarted)]
    pub fn verifier_started(&mut self) -> Result<(), JsValue> {
        self.0.key_handed_over(|m| m.verifier_started())
    }

    /// Answers step `[4]`: the host refused the verification key. Returns the error to throw.
    #[wasm_bindgen(js_name = verifierFailed)]
    pub fn verifier_failed(&mut self) -> JsValue {
        let e = match self.0.materials.as_ref().map(|m| &m.verifying_key) {
            Some(Some(VerifyingKey::Host(alg, _))) => crate::crypto::signature::not_a_point(*alg),
            _ => Error::SignatureInvalid("no verification key for a signed message".into()),
        };
        match self.0.machine.as_mut() {
            Some(m) => stop!(m, e),
            None => js_error(&e),
        }
    }

    /// Step `[5]`: where the batch's plaintext goes, a view (valid until the module next
    /// runs). Job `i`'s plaintext goes at its `targetOffset`; none of it is released before
    /// `opened(-1)`, and a failure wipes it.
    pub fn target(&mut self) -> Result<JsValue, JsValue> {
        match js(self.0.m()?.step())? {
            DecryptStep::Open(work) => Ok(memory_view(work.dest)),
            _ => Err(invalid("no frames are being opened")),
        }
    }

    /// Answers step `[5]`: `failed` = the first job whose tag did not verify, or -1.
    pub fn opened(&mut self, failed: i32) -> Result<(), JsValue> {
        let result = usize::try_from(failed).map_or(Ok(()), Err);
        self.0.answer(|m| m.opened(result))
    }

    /// Answers step `[6]`.
    pub fn verified(&mut self, matched: bool) -> Result<(), JsValue> {
        self.0.answer(|m| m.verified(matched))
    }

    /// The plaintext that may be released now (the wasm copy is zeroized).
    #[wasm_bindgen(js_name = takePlaintext)]
    pub fn take_plaintext(&mut self) -> Result<Uint8Array, JsValue> {
        let mut out = PlaintextBuf::default();
        self.0.m()?.take_plaintext(&mut out);
        Ok(Uint8Array::from(out.as_slice()))
    }

    /// The authenticated header, or `undefined` until then.
    pub fn header(&self) -> JsValue {
        self.0
            .machine
            .as_ref()
            .and_then(|m| m.header())
            .map_or(JsValue::UNDEFINED, header_js)
    }

    /// Ends the message → `{ plaintext (the rest), messageHeader, encryptionContext }`.
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let m = self.0.machine.take().ok_or_else(finished)?;
        let mut out = PlaintextBuf::default();
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
pub struct WasmEncryptMachine(Driven<EncryptMachine>);

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
    let (client, cmm, options) = encrypt_setup(
        policy,
        max_edks,
        keyring,
        context,
        required_keys,
        suite,
        frame_length,
    )?;
    // A JS number of bytes: an integer below 2^53 (a Uint8Array's length).
    let declared = plaintext_length.map(|n| n as u64);
    Ok(WasmEncryptMachine(Driven::new(
        js(client.encrypt_machine(options, declared))?,
        cmm,
    )))
}

#[wasm_bindgen]
impl WasmEncryptMachine {
    /// The next step: `[1]` materials (`materials()`, then `useMaterials()`); `[2, …]` derive
    /// (`keysDerived`); `[3, iv, aad]` header tag (`headerSealed`); `[4, signer]` start signing
    /// (`signerStarted`); `[0]` input (`input` / `end`); `[5, frames (a view), jobs, params]`
    /// seal (each `ciphertext ‖ tag` into `target()`, then `sealed`); `[6]` sign (`signed`);
    /// `[7]` done.
    ///
    /// A signing suite's signer gets every byte `takeOutput()` gives from `[4]` until `[6]`:
    /// the signature covers the whole message before its footer (data-format/message-footer.md),
    /// and no output leaves the machine before the signer has started, so the header comes first.
    pub fn step(&mut self) -> Result<Array, JsValue> {
        let materials = &self.0.materials;
        let m = self.0.machine.as_mut().ok_or_else(finished)?;
        let s = js(m.step())?;
        let out = match s {
            EncryptStep::NeedMaterials(_) => Ok(step(MATERIALS, &[])),
            EncryptStep::DeriveKeys { suite, message_id } => {
                match materials.as_ref().and_then(|m| m.data_key.as_ref()) {
                    Some(dk) => derive_step(suite, message_id, dk.as_bytes()),
                    None => Err(Error::Keyring("the materials have no data key".into())),
                }
            }
            // Views: the driver hands them to WebCrypto at once, which copies them.
            EncryptStep::SealHeader { iv, aad } => {
                Ok(step(HEADER, &[memory_view(iv), memory_view(aad)]))
            }
            EncryptStep::StartSigner { .. } => {
                let signer = materials
                    .as_ref()
                    .and_then(|m| m.signing_key.as_ref())
                    .and_then(crate::wasm::host_ecdsa::js_signer);
                match signer {
                    Some(signer) => Ok(step(SIGNATURE_START, &[signer])),
                    None => Err(Error::invalid(
                        "no WebCrypto signing key for a signing suite",
                    )),
                }
            }
            EncryptStep::NeedInput => Ok(step(INPUT, &[])),
            EncryptStep::Seal(work) => {
                let (jobs, params) = seal_jobs(work.jobs);
                Ok(step(FRAMES, &[memory_view(work.buf), jobs, params]))
            }
            EncryptStep::Sign => Ok(step(SIGNATURE_END, &[])),
            EncryptStep::Done => Ok(step(DONE, &[])),
        };
        out.map_err(|e| stop!(m, e))
    }

    /// Asks the materials manager for the step `[1]` → Promise (then `useMaterials()`).
    pub fn materials(&mut self) -> Result<js_sys::Promise, JsValue> {
        self.0.materials()
    }

    /// Answers step `[1]` with the materials `materials()` got.
    #[wasm_bindgen(js_name = useMaterials)]
    pub fn use_materials(&mut self) -> Result<(), JsValue> {
        self.0.use_materials()
    }

    /// Answers step `[2]`: the commit key, for a committing suite.
    #[wasm_bindgen(js_name = keysDerived)]
    pub fn keys_derived(&mut self, commit_key: Option<Vec<u8>>) -> Result<(), JsValue> {
        self.0.keys_derived(commit_key)
    }

    /// Answers step `[3]` with the 16-byte tag.
    #[wasm_bindgen(js_name = headerSealed)]
    pub fn header_sealed(&mut self, tag: &[u8]) -> Result<(), JsValue> {
        self.0.answer(|m| m.header_sealed(tag))
    }

    /// Answers step `[4]`: the signer is ready for the output.
    #[wasm_bindgen(js_name = signerStarted)]
    pub fn signer_started(&mut self) -> Result<(), JsValue> {
        self.0.key_handed_over(|m| m.signer_started())
    }

    /// Adds plaintext (its copy in wasm memory is zeroized).
    pub fn input(&mut self, chunk: Vec<u8>) -> Result<(), JsValue> {
        let chunk = PlaintextBuf::new(chunk);
        self.0.answer(|m| m.input(&chunk))
    }

    /// Adds the rest of the plaintext and ends it: one batch to seal, the final frame
    /// included (its copy in wasm memory is zeroized).
    #[wasm_bindgen(js_name = inputFinal)]
    pub fn input_final(&mut self, chunk: Vec<u8>) -> Result<(), JsValue> {
        let chunk = PlaintextBuf::new(chunk);
        self.0.answer(|m| m.input_final(&chunk))
    }

    /// Ends the plaintext.
    pub fn end(&mut self) -> Result<(), JsValue> {
        self.0.m()?.end();
        Ok(())
    }

    /// Step `[5]`: the laid-out frames again, a fresh view (valid until the module next runs),
    /// for each job's `ciphertext ‖ tag` at its `targetOffset`. Frames never sealed are wiped
    /// when the machine stops or is freed.
    pub fn target(&mut self) -> Result<JsValue, JsValue> {
        match js(self.0.m()?.step())? {
            EncryptStep::Seal(work) => Ok(memory_view(work.buf)),
            _ => Err(invalid("no frames are being sealed")),
        }
    }

    /// Answers step `[5]`: every job is sealed in place.
    pub fn sealed(&mut self) -> Result<(), JsValue> {
        self.0.answer(|m| m.sealed())
    }

    /// Answers step `[6]` with WebCrypto's `r ‖ s` signature.
    pub fn signed(&mut self, fixed: &[u8]) -> Result<(), JsValue> {
        let der = ecdsa_sig::fixed_to_der(fixed)
            .ok_or_else(|| Error::SignatureInvalid("the host signature is malformed".into()));
        self.0.answer(|m| m.signed(&der?))
    }

    /// The message bytes ready so far, left in the machine: a view (valid until the module
    /// next runs), which a one-shot driver signs at step `[6]` instead of giving the signer
    /// each piece of output as it is made.
    #[wasm_bindgen(js_name = outputView)]
    pub fn output_view(&mut self) -> Result<JsValue, JsValue> {
        Ok(memory_view(self.0.m()?.output()))
    }

    /// The message bytes ready so far.
    #[wasm_bindgen(js_name = takeOutput)]
    pub fn take_output(&mut self) -> Result<Uint8Array, JsValue> {
        let mut out = Vec::new();
        self.0.m()?.take_output(&mut out);
        Ok(Uint8Array::from(out.as_slice()))
    }

    /// The message header, once its tag is made (else `undefined`).
    pub fn header(&self) -> JsValue {
        self.0
            .machine
            .as_ref()
            .and_then(|m| m.header())
            .map_or(JsValue::UNDEFINED, header_js)
    }
}
