//! A small browser for the tests: keeps cookies, does not follow redirects, fills in the
//! CSRF token of the form it read last.

use std::collections::BTreeMap;
use std::sync::Mutex;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    /// The CSRF token of the page's first form.
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no form on the page: {}", self.body));
        let rest = &self.body[at + 19..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

pub struct Browser {
    pub base: String,
    client: reqwest::Client,
    pub cookies: Mutex<BTreeMap<String, String>>,
    /// Raw `Set-Cookie` headers received, newest last.
    pub set_cookies: Mutex<Vec<String>>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser {
            base: base.to_string(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Mutex::default(),
            set_cookies: Mutex::default(),
        }
    }

    /// The client, for requests built by hand (sent with [`Browser::send`]).
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    fn cookie_header(&self) -> Option<HeaderValue> {
        let c = self.cookies.lock().unwrap();
        if c.is_empty() {
            return None;
        }
        let v = c
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        Some(HeaderValue::from_str(&v).unwrap())
    }

    pub async fn send(&self, mut req: reqwest::RequestBuilder) -> Page {
        if let Some(c) = self.cookie_header() {
            req = req.header("cookie", c);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for sc in headers.get_all("set-cookie") {
            let raw = sc.to_str().unwrap().to_string();
            let (pair, attrs) = raw.split_once(';').unwrap_or((&raw, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let mut jar = self.cookies.lock().unwrap();
            if attrs.contains("Max-Age=0") || value.is_empty() {
                jar.remove(name);
            } else {
                jar.insert(name.to_string(), value.to_string());
            }
            self.set_cookies.lock().unwrap().push(raw.clone());
        }
        Page {
            status,
            headers,
            body: res.text().await.unwrap(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> Page {
        self.send(self.client.get(self.url(path))).await
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.send(self.client.post(self.url(path)).form(fields))
            .await
    }

    /// Reads the form page, then posts `fields` with its CSRF token.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.get(page).await.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    pub async fn sign_up(&self, email: &str, password: &str) -> Page {
        self.submit(
            "/signup",
            "/signup",
            &[("email", email), ("password", password)],
        )
        .await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.submit(
            "/signin",
            "/signin",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// A JSON request; `csrf` goes in `X-CSRF-Token`.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
        bearer: Option<&str>,
        csrf: Option<&str>,
    ) -> Page {
        let mut req = self.client.request(method, self.url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        if let Some(c) = csrf {
            req = req.header("x-csrf-token", c);
        }
        self.send(req).await
    }
}
