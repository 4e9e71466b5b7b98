//! The loopback redirect (RFC 8252 §7.3): a listener on 127.0.0.1 only, on a port the OS
//! picks, that waits for the provider's answer to `/callback` and closes once it has it.
//!
//! Any local process, or any web page the browser shows, can reach that port too, so a request
//! counts as the answer only when its `Host` is `127.0.0.1:PORT` (a page on another name that
//! resolves to loopback sends its own name) and its `state` equals the link's, compared in
//! constant time. Anything else gets an error page (404 off `/callback`, 400 on it) and the
//! wait goes on until the caller's time limit; only the real answer gets the page saying the
//! tab can be closed.
//!
//! Nothing another program or page sends can end or hold up the wait: wrong requests are
//! counted (and named if the time runs out), not a reason to give up, and connections are
//! served side by side, each reading its head for at most [`HEAD_TIMEOUT`], so connections
//! that send nothing do not keep the browser's answer waiting. At most [`MAX_IN_FLIGHT`] are
//! served at once; beyond that the oldest is dropped, since a browser sends its request as
//! soon as it connects.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use subtle::ConstantTimeEq;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinSet};

/// The path the provider redirects to.
pub const REDIRECT_PATH: &str = "/callback";
/// The most bytes of a request head read from the browser.
const MAX_HEAD: usize = 16 * 1024;
/// How long a connection has to send its request head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(2);
/// The most connections served at once.
pub const MAX_IN_FLIGHT: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum LoopbackError {
    #[error("cannot listen on 127.0.0.1: {0}")]
    Bind(std::io::Error),
    #[error("no answer from the browser within {0:?}")]
    Timeout(Duration),
    #[error(
        "no answer from the browser within {waited:?}, but {refused} other requests reached the \
         sign-in listener (another program may be interfering); start the sign-in again"
    )]
    TimeoutWithStrangers { waited: Duration, refused: usize },
}

impl From<LoopbackError> for crate::error::Error {
    fn from(error: LoopbackError) -> Self {
        use LoopbackError as L;
        match error {
            // Nothing the person did: the machine refused a listener on loopback.
            L::Bind(_) => crate::error::Error::Internal(error.to_string()),
            // Nobody finished the sign-in in time: the person can start it again.
            L::Timeout(_) => crate::error::Error::InvalidInput(error.to_string()),
            // Nor did they, but forged or stray requests came meanwhile.
            L::TimeoutWithStrangers { .. } => {
                crate::error::Error::InvalidCallback(error.to_string())
            }
        }
    }
}

#[derive(Debug)]
pub struct Loopback {
    listener: TcpListener,
    addr: SocketAddr,
}

const DONE_PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Grantry</title><style>body{font:16px system-ui,sans-serif;display:grid;place-items:center;\
height:90vh;color:#1d2430}</style></head><body><main><h1>Back to Grantry</h1>\
<p>The sign-in answer reached Grantry. You can close this tab.</p></main></body></html>";

const REFUSED_PAGE: &str = "This is not the sign-in answer Grantry is waiting for.";

/// The parts of a request the listener looks at.
struct Head {
    method: String,
    target: String,
    host: Option<String>,
}

/// What a request gets: the answer, or an error page.
enum Verdict {
    Answer,
    Refused,
    NotFound,
}

impl Loopback {
    pub async fn bind() -> Result<Self, LoopbackError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(LoopbackError::Bind)?;
        let addr = listener.local_addr().map_err(LoopbackError::Bind)?;
        Ok(Self { listener, addr })
    }

    /// `http://127.0.0.1:{port}/callback`: the IP literal, never `localhost` (RFC 8252 §8.3).
    pub fn redirect_uri(&self) -> String {
        format!("http://{}{REDIRECT_PATH}", self.addr)
    }

    /// Waits for the callback request carrying `expected_state` (the link's `state`); returns
    /// its full URL. Other requests are refused (see the module docs) and the wait goes on
    /// until `timeout`. The listener closes after, and every connection with it.
    pub async fn receive(
        self,
        expected_state: &str,
        timeout: Duration,
    ) -> Result<String, LoopbackError> {
        let host: Arc<str> = self.addr.to_string().into();
        let expected: Arc<str> = expected_state.into();
        let mut refused = 0;
        let mut serving: JoinSet<Option<String>> = JoinSet::new();
        let mut oldest: VecDeque<AbortHandle> = VecDeque::new();
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                () = &mut deadline => break,
                accepted = self.listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    if serving.len() >= MAX_IN_FLIGHT
                        && let Some(handle) = oldest.pop_front()
                    {
                        handle.abort();
                    }
                    let (host, expected) = (host.clone(), expected.clone());
                    let handle = serving.spawn(serve(stream, host, expected));
                    oldest.push_back(handle);
                }
                Some(served) = serving.join_next_with_id() => {
                    let id = served.as_ref().map_or_else(|error| error.id(), |(id, _)| *id);
                    oldest.retain(|handle| handle.id() != id);
                    // A connection dropped for a newer one (aborted) says nothing.
                    let Ok((_, outcome)) = served else { continue };
                    match outcome {
                        Some(url) => return Ok(url),
                        None => refused += 1,
                    }
                }
            }
        }
        Err(if refused == 0 {
            LoopbackError::Timeout(timeout)
        } else {
            LoopbackError::TimeoutWithStrangers {
                waited: timeout,
                refused,
            }
        })
    }
}

/// Serves one connection: reads its head, answers it, and returns the callback URL when it
/// was the answer.
async fn serve(mut stream: TcpStream, host: Arc<str>, expected_state: Arc<str>) -> Option<String> {
    let head = read_head(&mut stream).await;
    let verdict = head
        .as_ref()
        .map_or(Verdict::Refused, |head| judge(head, &host, &expected_state));
    answer(&mut stream, &verdict).await;
    match (verdict, head) {
        (Verdict::Answer, Some(head)) => Some(format!("http://{host}{}", head.target)),
        _ => None,
    }
}

/// Whether a request is the answer: a GET of `/callback` addressed to `host`, with exactly one
/// `state`, equal to the expected one.
fn judge(head: &Head, host: &str, expected_state: &str) -> Verdict {
    let (path, query) = head
        .target
        .split_once('?')
        .unwrap_or((head.target.as_str(), ""));
    if path != REDIRECT_PATH {
        return Verdict::NotFound;
    }
    if head.method != "GET" || head.host.as_deref() != Some(host) {
        return Verdict::Refused;
    }
    let mut states = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name == "state")
        .map(|(_, value)| value);
    match (states.next(), states.next()) {
        (Some(state), None) if bool::from(state.as_bytes().ct_eq(expected_state.as_bytes())) => {
            Verdict::Answer
        }
        _ => Verdict::Refused,
    }
}

/// Reads one request head (bounded in size and time) and picks out what [`judge`] needs.
async fn read_head(stream: &mut TcpStream) -> Option<Head> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 2048];
    let read = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
            let n = stream.read(&mut buffer).await.ok()?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buffer[..n]);
        }
        Some(())
    };
    tokio::time::timeout(HEAD_TIMEOUT, read).await.ok()??;
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let mut parts = lines.next()?.split(' ');
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    // RFC 9110 §7.2: one Host field; two are as bad as none.
    let mut hosts = lines
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim().to_owned());
    let host = match (hosts.next(), hosts.next()) {
        (Some(host), None) => Some(host),
        _ => None,
    };
    Some(Head {
        method,
        target,
        host,
    })
}

async fn answer(stream: &mut TcpStream, verdict: &Verdict) {
    let (status, kind, body) = match verdict {
        Verdict::Answer => ("200 OK", "text/html", DONE_PAGE),
        Verdict::Refused => ("400 Bad Request", "text/plain", REFUSED_PAGE),
        Verdict::NotFound => ("404 Not Found", "text/plain", "Not found"),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get_as(addr: SocketAddr, host: &str, path: &str) -> String {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.expect("read");
        answer
    }

    async fn get(addr: SocketAddr, path: &str) -> String {
        get_as(addr, &addr.to_string(), path).await
    }

    #[tokio::test]
    async fn one_callback_then_closed() {
        let loopback = Loopback::bind().await.expect("bind");
        let addr = loopback.addr;
        assert!(loopback.redirect_uri().starts_with("http://127.0.0.1:"));
        let waiting =
            tokio::spawn(async move { loopback.receive("s", Duration::from_secs(10)).await });
        assert!(get(addr, "/favicon.ico").await.starts_with("HTTP/1.1 404"));
        let answer = get(addr, "/callback?code=c&state=s").await;
        assert!(answer.starts_with("HTTP/1.1 200") && answer.contains("close this tab"));
        let url = waiting.await.expect("task").expect("callback");
        assert_eq!(url, format!("http://{addr}/callback?code=c&state=s"));
        assert!(
            TcpStream::connect(addr).await.is_err(),
            "the listener is closed"
        );
    }

    #[tokio::test]
    async fn a_forged_callback_first_does_not_take_the_place_of_the_real_one() {
        let loopback = Loopback::bind().await.expect("bind");
        let addr = loopback.addr;
        let waiting =
            tokio::spawn(async move { loopback.receive("real", Duration::from_secs(10)).await });
        for forged in [
            "/callback?code=evil&state=forged",
            "/callback?code=evil",
            "/callback?code=evil&state=real&state=forged",
            "/callback?code=evil&state=rea",
        ] {
            let refused = get(addr, forged).await;
            assert!(refused.starts_with("HTTP/1.1 400"), "{forged}: {refused}");
            assert!(!refused.contains("close this tab"), "{refused}");
        }
        let answer = get(addr, "/callback?code=good&state=real").await;
        assert!(answer.contains("close this tab"), "{answer}");
        let url = waiting.await.expect("task").expect("callback");
        assert_eq!(url, format!("http://{addr}/callback?code=good&state=real"));
    }

    #[tokio::test]
    async fn a_request_for_another_host_is_refused() {
        let loopback = Loopback::bind().await.expect("bind");
        let addr = loopback.addr;
        let waiting =
            tokio::spawn(async move { loopback.receive("s", Duration::from_secs(10)).await });
        // A web page on a name that resolves to 127.0.0.1 (DNS rebinding) sends its own name.
        let host = format!("evil.example:{}", addr.port());
        let refused = get_as(addr, &host, "/callback?code=evil&state=s").await;
        assert!(refused.starts_with("HTTP/1.1 400"), "{refused}");
        let refused = get_as(addr, "localhost", "/callback?code=evil&state=s").await;
        assert!(refused.starts_with("HTTP/1.1 400"), "{refused}");
        let answer = get(addr, "/callback?code=good&state=s").await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        let url = waiting.await.expect("task").expect("callback");
        assert!(url.contains("code=good"), "{url}");
    }

    #[tokio::test]
    async fn wrong_requests_never_end_the_wait_and_are_named_if_it_runs_out() {
        let loopback = Loopback::bind().await.expect("bind");
        let addr = loopback.addr;
        let waiting =
            tokio::spawn(async move { loopback.receive("s", Duration::from_secs(10)).await });
        for _ in 0..200 {
            assert!(
                get(addr, "/callback?state=x")
                    .await
                    .starts_with("HTTP/1.1 400")
            );
        }
        let answer = get(addr, "/callback?code=good&state=s").await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        let url = waiting
            .await
            .expect("task")
            .expect("the answer still counts");
        assert!(url.contains("code=good"), "{url}");

        let loopback = Loopback::bind().await.expect("bind");
        let addr = loopback.addr;
        let waiting =
            tokio::spawn(async move { loopback.receive("s", Duration::from_millis(500)).await });
        for _ in 0..3 {
            get(addr, "/callback?state=x").await;
        }
        let error = waiting.await.expect("task").expect_err("timed out");
        assert!(
            matches!(
                error,
                LoopbackError::TimeoutWithStrangers { refused: 3, .. }
            ),
            "{error:?}"
        );
        let shown = crate::error::Error::from(error);
        assert_eq!(shown.code(), crate::error::ErrorCode::InvalidCallback);
        assert!(shown.to_string().contains("3 other requests"), "{shown}");
    }

    #[tokio::test]
    async fn connections_that_send_nothing_do_not_hold_up_the_answer() {
        let loopback = Loopback::bind().await.expect("bind");
        let addr = loopback.addr;
        let waiting =
            tokio::spawn(async move { loopback.receive("s", Duration::from_secs(30)).await });
        // More idle connections than are served at once, held open meanwhile.
        let mut idle = Vec::new();
        for _ in 0..MAX_IN_FLIGHT + 10 {
            idle.push(TcpStream::connect(addr).await.expect("connect"));
        }
        let started = std::time::Instant::now();
        let answer = get(addr, "/callback?code=good&state=s").await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(
            started.elapsed() < HEAD_TIMEOUT,
            "the answer waited {:?} behind idle connections",
            started.elapsed()
        );
        let url = waiting.await.expect("task").expect("callback");
        assert!(url.contains("code=good"), "{url}");
        drop(idle);
    }

    #[tokio::test]
    async fn gives_up_after_the_timeout() {
        let loopback = Loopback::bind().await.expect("bind");
        let outcome = loopback.receive("s", Duration::from_millis(50)).await;
        assert!(matches!(outcome, Err(LoopbackError::Timeout(_))));
    }
}
