//! The KMS HTTP seam on wasm: requests go through the host's global `fetch` (Node >= 18 and
//! browsers), retries wait on `setTimeout`. Both are looked up on `globalThis` at call time,
//! so nothing here depends on a DOM or Node binding.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::future::BoxFuture;
use crate::kms::http::{HttpRequest, HttpResponse, HttpTransport, Sleeper, TransportError};

fn terr(message: impl Into<String>) -> TransportError {
    TransportError {
        message: message.into(),
        timeout: false,
    }
}

/// The message of a thrown JS value (`err.message`, else its string form).
pub(crate) fn js_message(v: &JsValue) -> String {
    Reflect::get(v, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| v.as_string())
        .unwrap_or_else(|| format!("{v:?}"))
}

fn global_fn(name: &str) -> Result<Function, String> {
    Reflect::get(&js_sys::global(), &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| format!("the global {name}() is not available in this JS environment"))
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Calls `obj[method]()` and awaits the promise it returns.
async fn await_method(obj: &JsValue, method: &str) -> Result<JsValue, TransportError> {
    let f = get(obj, method)
        .dyn_into::<Function>()
        .map_err(|_| terr(format!("fetch response has no {method}()")))?;
    let p = f
        .call0(obj)
        .map_err(|e| terr(js_message(&e)))?
        .dyn_into::<Promise>()
        .map_err(|_| terr(format!("{method}() did not return a promise")))?;
    JsFuture::from(p).await.map_err(|e| terr(js_message(&e)))
}

async fn fetch(req: HttpRequest) -> Result<HttpResponse, TransportError> {
    let fetch = global_fn("fetch").map_err(terr)?;
    let headers = Object::new();
    for (k, v) in &req.headers {
        // fetch sets these itself (and refuses them in browsers); SigV4 signs the same values.
        if k.eq_ignore_ascii_case("host") || k.eq_ignore_ascii_case("content-length") {
            continue;
        }
        let _ = Reflect::set(&headers, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    let init = Object::new();
    let _ = Reflect::set(&init, &"method".into(), &JsValue::from_str(&req.method));
    let _ = Reflect::set(&init, &"headers".into(), &headers);
    let _ = Reflect::set(&init, &"body".into(), &Uint8Array::from(&req.body[..]));
    let p = fetch
        .call2(&JsValue::UNDEFINED, &JsValue::from_str(&req.url), &init)
        .map_err(|e| terr(format!("fetch {}: {}", req.url, js_message(&e))))?
        .dyn_into::<Promise>()
        .map_err(|_| terr("fetch did not return a promise"))?;
    let resp = JsFuture::from(p).await.map_err(|e| {
        // Node's undici puts the real reason (ECONNREFUSED, …) in err.cause.
        let cause = get(&e, "cause");
        let detail = if cause.is_undefined() || cause.is_null() {
            String::new()
        } else {
            format!(" ({})", js_message(&cause))
        };
        terr(format!("fetch {}: {}{detail}", req.url, js_message(&e)))
    })?;
    let status = get(&resp, "status").as_f64().unwrap_or(0.0) as u16;
    let mut out_headers = Vec::new();
    if let Ok(Some(iter)) = js_sys::try_iter(&get(&resp, "headers")) {
        for entry in iter.flatten() {
            let pair = Array::from(&entry);
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                out_headers.push((k, v));
            }
        }
    }
    let buf = await_method(&resp, "arrayBuffer").await?;
    Ok(HttpResponse {
        status,
        headers: out_headers,
        body: Uint8Array::new(&buf).to_vec(),
    })
}

/// [`HttpTransport`] over the global `fetch`.
pub(crate) struct FetchTransport;

impl HttpTransport for FetchTransport {
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(fetch(req))
    }
}

/// [`Sleeper`] over the global `setTimeout` (no wait when there is none).
pub(crate) struct TimeoutSleeper;

impl Sleeper for TimeoutSleeper {
    fn sleep(&self, millis: u64) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let Ok(set_timeout) = global_fn("setTimeout") else {
                return;
            };
            let p = Promise::new(&mut |resolve, _reject| {
                let _ = set_timeout.call2(
                    &JsValue::UNDEFINED,
                    &resolve,
                    &JsValue::from_f64(millis as f64),
                );
            });
            let _ = JsFuture::from(p).await;
        })
    }
}
