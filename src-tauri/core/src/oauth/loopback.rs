//! The loopback redirect (RFC 8252 §7.3): a listener on 127.0.0.1 only, on a port the OS
//! picks, that waits for one request to `/callback`, answers it with a page saying the tab can
//! be closed, and closes. Other paths (a browser asking for `/favicon.ico`) get a 404 and the
//! wait goes on; nothing but loopback can connect.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The path the provider redirects to.
pub const REDIRECT_PATH: &str = "/callback";
/// The most bytes of a request head read from the browser.
const MAX_HEAD: usize = 16 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum LoopbackError {
    #[error("cannot listen on 127.0.0.1: {0}")]
    Bind(std::io::Error),
    #[error("no answer from the browser within {0:?}")]
    Timeout(Duration),
}

impl From<LoopbackError> for crate::error::Error {
    fn from(error: LoopbackError) -> Self {
        use LoopbackError as L;
        match error {
            // Nothing the person did: the machine refused a listener on loopback.
            L::Bind(_) => crate::error::Error::Internal(error.to_string()),
            // Nobody finished the sign-in in time: the person can start it again.
            L::Timeout(_) => crate::error::Error::InvalidInput(error.to_string()),
        }
    }
}

pub struct Loopback {
    listener: TcpListener,
    addr: SocketAddr,
}

const DONE_PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Grantry</title><style>body{font:16px system-ui,sans-serif;display:grid;place-items:center;\
height:90vh;color:#1d2430}</style></head><body><main><h1>Back to Grantry</h1>\
<p>The sign-in answer reached Grantry. You can close this tab.</p></main></body></html>";

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

    /// Waits for the one callback request; returns its full URL. The listener closes after.
    pub async fn receive(self, timeout: Duration) -> Result<String, LoopbackError> {
        let wait = async {
            loop {
                let Ok((stream, _)) = self.listener.accept().await else {
                    continue;
                };
                if let Some(target) = serve(stream).await {
                    return format!("http://{}{target}", self.addr);
                }
            }
        };
        tokio::time::timeout(timeout, wait)
            .await
            .map_err(|_| LoopbackError::Timeout(timeout))
    }
}

/// Reads one request; answers it. Returns the request target when it was the callback.
async fn serve(mut stream: TcpStream) -> Option<String> {
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
    tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .ok()??;
    let line = String::from_utf8_lossy(&head);
    let mut parts = line.lines().next()?.split(' ');
    let (method, target) = (parts.next()?, parts.next()?.to_owned());
    let is_callback = method == "GET"
        && (target == REDIRECT_PATH || target.starts_with(&format!("{REDIRECT_PATH}?")));
    let (status, body) = if is_callback {
        ("200 OK", DONE_PAGE)
    } else {
        ("404 Not Found", "Not found")
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
    is_callback.then_some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(addr: SocketAddr, path: &str) -> String {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.expect("read");
        answer
    }

    #[tokio::test]
    async fn one_callback_then_closed() {
        let loopback = Loopback::bind().await.expect("bind");
        let addr = loopback.addr;
        assert!(loopback.redirect_uri().starts_with("http://127.0.0.1:"));
        let waiting = tokio::spawn(loopback.receive(Duration::from_secs(10)));
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
    async fn gives_up_after_the_timeout() {
        let loopback = Loopback::bind().await.expect("bind");
        let outcome = loopback.receive(Duration::from_millis(50)).await;
        assert!(matches!(outcome, Err(LoopbackError::Timeout(_))));
    }
}
