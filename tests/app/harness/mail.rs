//! The real SMTP server the tests send to (aiosmtpd, one per test app) and the messages it
//! received, decoded as a reader sees them.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{free_port, preflight, smtp_sink_python};

/// A message the SMTP server received.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub raw: String,
}

impl ReceivedMail {
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.raw.split("\n\n").next().unwrap_or("");
        let prefix = format!("{}:", name.to_ascii_lowercase());
        let mut lines = head.lines().peekable();
        while let Some(line) = lines.next() {
            if line.to_ascii_lowercase().starts_with(&prefix) {
                let mut value = line[prefix.len()..].trim().to_owned();
                while let Some(next) = lines.peek() {
                    if next.starts_with([' ', '\t']) {
                        value.push(' ');
                        value.push_str(next.trim());
                        lines.next();
                    } else {
                        break;
                    }
                }
                return Some(value);
            }
        }
        None
    }

    /// The outbox job that sent it (from our Message-ID), to order messages.
    pub fn job_number(&self) -> i64 {
        let id = self.message_id();
        id.trim_start_matches("<job-")
            .split('.')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    pub fn message_id(&self) -> String {
        self.header("Message-ID")
            .expect("every message has a Message-ID")
    }

    /// The decoded text/plain part.
    pub fn text_body(&self) -> String {
        let at = self
            .raw
            .find("Content-Type: text/plain")
            .expect("a text part");
        let part = &self.raw[at..];
        let (headers, body) = part.split_once("\n\n").unwrap_or((part, ""));
        let body = body.split("\n--").next().unwrap_or(body);
        if headers.contains("Content-Transfer-Encoding: base64") {
            String::from_utf8(decode_base64(&body.replace(['\n', '\r'], ""))).unwrap()
        } else if headers.contains("Content-Transfer-Encoding: quoted-printable") {
            decode_quoted_printable(body)
        } else {
            body.to_owned()
        }
    }

    /// The decoded bytes of the attached file `file_name`, if there is one.
    pub fn attachment(&self, file_name: &str) -> Option<Vec<u8>> {
        let raw = self.raw.replace("\r\n", "\n");
        let at = raw.find(&format!("filename=\"{file_name}\""))?;
        // The part's headers start after the boundary line before the file name.
        let start = raw[..at].rfind("\n--").map_or(0, |i| i + 1);
        let part = &raw[start..];
        let (headers, body) = part.split_once("\n\n")?;
        let body = body.split("\n--").next().unwrap_or(body);
        Some(if headers.contains("Content-Transfer-Encoding: base64") {
            decode_base64(&body.replace('\n', ""))
        } else if headers.contains("Content-Transfer-Encoding: quoted-printable") {
            decode_quoted_printable(body).into_bytes()
        } else {
            body.as_bytes().to_vec()
        })
    }

    /// The first link to this site in the text part.
    pub fn link(&self, base: &str) -> String {
        let body = self.text_body();
        let at = body
            .find(base)
            .unwrap_or_else(|| panic!("no link to {base} in {body}"));
        body[at..].split_whitespace().next().unwrap().to_owned()
    }

    /// The recipient as the SMTP envelope said (aiosmtpd records it in X-RcptTo).
    pub fn rcpt_to(&self) -> String {
        self.header("X-RcptTo").unwrap_or_default()
    }
}

/// A real SMTP server (Python's aiosmtpd) writing each message into a Maildir.
pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        preflight();
        let mut sink = SmtpSink {
            port: free_port(),
            dir: tempfile::tempdir().unwrap(),
            child: None,
        };
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(sink.dir.path().join(sub)).unwrap();
        }
        sink.resume();
        sink
    }

    /// Starts (again) on the same port and mailbox.
    pub fn resume(&mut self) {
        let python = smtp_sink_python();
        let child = Command::new(&python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{}", self.port),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start aiosmtpd with {python} (install python3-aiosmtpd): {e}")
            });
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start on port {} (is python3-aiosmtpd installed?)",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the server, as an outage would.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Waits for the latest message to `address`.
    pub async fn wait_for_to(&self, address: &str, timeout: Duration) -> ReceivedMail {
        let deadline = Instant::now() + timeout;
        loop {
            let mut m: Vec<ReceivedMail> = self
                .messages()
                .into_iter()
                .filter(|m| m.rcpt_to().contains(address))
                .collect();
            m.sort_by_key(|m| m.job_number());
            if let Some(last) = m.pop() {
                return last;
            }
            assert!(Instant::now() < deadline, "no email to {address}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    pub fn messages(&self) -> Vec<ReceivedMail> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.path().join(sub)) else {
                continue;
            };
            for e in entries.flatten() {
                if let Ok(raw) = std::fs::read_to_string(e.path()) {
                    out.push(ReceivedMail {
                        raw: raw.replace("\r\n", "\n"),
                    });
                }
            }
        }
        out
    }

    /// Waits until at least `n` messages arrived.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            let m = self.messages();
            if m.len() >= n || Instant::now() > deadline {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn decode_quoted_printable(s: &str) -> String {
    let joined = s.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).expect("quoted-printable escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}
