//! A static web host on loopback, as small as the tests need: it serves one folder's files
//! under one path (GitHub Pages serves a repository `grantry-bridge` under `/grantry-bridge/`),
//! answers GET only, and writes down every request it got with its Referer header, so a test
//! can tell what a page asked for and what it gave away. It binds port 0 (the kernel picks a
//! free port) and stops when dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One request as the site received it.
#[derive(Clone, Debug)]
pub struct Request {
    /// The request target: path and query, as sent.
    pub target: String,
    pub referer: Option<String>,
}

pub struct StaticSite {
    addr: SocketAddr,
    prefix: String,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StaticSite {
    /// Serves the files of `folder` (not its subfolders) under `prefix`, which starts and
    /// ends with `/`; `prefix` itself serves `index.html`.
    pub fn serve(folder: &Path, prefix: &str) -> Self {
        assert!(prefix.starts_with('/') && prefix.ends_with('/'), "{prefix}");
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let addr = listener.local_addr().expect("its address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let site = Site {
            folder: folder.to_owned(),
            prefix: prefix.to_owned(),
            requests: requests.clone(),
        };
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let site = site.clone();
                // One thread a connection: a browser opens connections it sends nothing on
                // for a while, which must not hold up the others.
                std::thread::spawn(move || site.answer(stream));
            }
        });
        Self {
            addr,
            prefix: prefix.to_owned(),
            requests,
            stop,
            thread: Some(thread),
        }
    }

    /// The URL of the folder: `http://127.0.0.1:PORT/PREFIX/`.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.prefix)
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

impl Drop for StaticSite {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[derive(Clone)]
struct Site {
    folder: PathBuf,
    prefix: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Site {
    fn answer(&self, stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let mut reader = BufReader::new(&stream);
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let mut referer = None;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.trim().eq_ignore_ascii_case("referer")
            {
                referer = Some(value.trim().to_owned());
            }
        }
        self.requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(Request {
                target: target.to_owned(),
                referer,
            });
        let (status, kind, body) = match self.file(method, target) {
            Some((kind, body)) => ("200 OK", kind, body),
            None => ("404 Not Found", "text/plain", b"not found".to_vec()),
        };
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\n\
             cache-control: no-store\r\nconnection: close\r\n\r\n",
            body.len()
        );
        let mut stream = &stream;
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(&body);
    }

    /// The content type and bytes of the file `target` names, if it is one of the folder's.
    fn file(&self, method: &str, target: &str) -> Option<(&'static str, Vec<u8>)> {
        if method != "GET" {
            return None;
        }
        let path = target.split(['?', '#']).next()?;
        let name = path.strip_prefix(&self.prefix)?;
        let name = if name.is_empty() { "index.html" } else { name };
        // A plain file name only: nothing above or below the folder.
        if name.contains('/') || name.starts_with('.') {
            return None;
        }
        let kind = match name.rsplit_once('.')?.1 {
            "html" => "text/html; charset=utf-8",
            "js" => "text/javascript; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            _ => return None,
        };
        Some((kind, std::fs::read(self.folder.join(name)).ok()?))
    }
}
