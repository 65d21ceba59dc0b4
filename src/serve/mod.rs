//! `optout serve`: the live preview.
//!
//! The site is built once into memory ([`Preview`]) and served from there over HTTP; nothing is
//! written to `public/`. A watcher thread collects file events, debounces them and hands the
//! changed paths to [`Preview::apply`], the core's own incremental rebuild, so the preview can
//! never disagree with `optout build`. Browsers learn about each rebuild through Server-Sent
//! Events and reload (or swap stylesheets) by themselves.
//!
//! Pieces, one file each:
//! - [`http`]: requests to responses: path safety, MIME types, ETags, redirects, 404 pages;
//! - [`live`]: the reload channel (SSE), `live.js` and the error overlay;
//! - [`watch`]: file events to a list of changed source paths (editors' save patterns, bursts);
//! - [`state`]: the served site, and what one rebuild does (apply, report, notify browsers).
//!
//! [`start`] runs all of it in the background and returns a [`ServerHandle`] with the bound
//! address, which is what the integration tests drive; [`ServerHandle::wait`] is what the CLI does.

mod http;
/// The content type the preview sends for an output path (SVG: `image/svg+xml`).
pub use http::content_type;
mod live;
mod state;
mod watch;

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::build::BuildOptions;
use crate::render::RenderOptions;
use crate::report::Terminal;

/// Everything reserved for the preview lives below `{base_path}__optout/`; no site file can
/// have that name because output paths never start with `__`.
pub const RESERVED_DIR: &str = "__optout";

#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site root (the directory with site.yaml).
    pub root: PathBuf,
    pub drafts: bool,
    /// Address to listen on; anything but loopback prints a warning.
    pub bind: IpAddr,
    /// Port; 0 picks a free one (tests).
    pub port: u16,
    /// How long the file system must stay quiet before a rebuild starts: one editor save is
    /// a burst of events within a millisecond, `git checkout` a longer one.
    pub debounce: Duration,
    /// A burst that never goes quiet is rebuilt after this long anyway.
    pub max_batch: Duration,
    /// Where the rebuild lines, warnings and errors go: stderr (the CLI), nowhere or a buffer
    /// (tests).
    pub terminal: Terminal,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            root: PathBuf::from("."),
            drafts: false,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            debounce: Duration::from_millis(5),
            max_batch: Duration::from_millis(1000),
            terminal: Terminal::default(),
        }
    }
}

/// Why the server could not start. Content errors are not among them: a site that does not
/// build is served as an error page until it does.
#[derive(Debug)]
pub enum ServeError {
    Bind { addr: SocketAddr, source: io::Error },
    Root { root: PathBuf, source: io::Error },
    Watch(notify::Error),
    Runtime(io::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Bind { addr, source } if source.kind() == io::ErrorKind::AddrInUse => {
                let next = addr.port().checked_add(1).unwrap_or(1111);
                write!(
                    f,
                    "error: cannot listen on {addr}: the port is already in use (is another `optout serve` running?)\n  hint: stop the other server, or pick another port: `optout serve --port {next}`"
                )
            }
            ServeError::Bind { addr, source }
                if source.kind() == io::ErrorKind::PermissionDenied =>
            {
                write!(
                    f,
                    "error: cannot listen on {addr}: permission denied\n  hint: ports below 1024 need privileges; use the default `--port 1111`"
                )
            }
            ServeError::Bind { addr, source }
                if source.kind() == io::ErrorKind::AddrNotAvailable =>
            {
                write!(
                    f,
                    "error: cannot listen on {addr}: this machine has no such address\n  hint: use `--bind 127.0.0.1` (the default) or one of this machine's addresses"
                )
            }
            ServeError::Bind { addr, source } => {
                write!(f, "error: cannot listen on {addr}: {source}")
            }
            ServeError::Root { root, source } => write!(
                f,
                "error: cannot open the site root {}: {source}\n  hint: pass the directory that contains site.yaml with --root",
                root.display()
            ),
            ServeError::Watch(e) => write!(
                f,
                "error: cannot watch the site's files: {e}\n  hint: on Linux, raise fs.inotify.max_user_watches (sysctl) if the site is very large"
            ),
            ServeError::Runtime(e) => write!(f, "error: cannot start the HTTP server: {e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// `--bind`: an IP address, or `localhost`.
pub fn parse_bind(s: &str) -> Result<IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    s.parse()
        .map_err(|_| format!("`{s}` is not an IP address (e.g. 127.0.0.1, ::1 or 0.0.0.0)"))
}

/// A running preview server. Dropping it stops the server.
pub struct ServerHandle {
    addr: SocketAddr,
    shared: Arc<state::Shared>,
    runtime: Option<tokio::runtime::Runtime>,
    server: Option<tokio::task::JoinHandle<()>>,
    watcher: Option<watch::WatchThread>,
}

impl ServerHandle {
    /// The address the server listens on (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:1111/` (with the site's base path).
    pub fn url(&self) -> String {
        let host = match self.addr.ip() {
            ip if ip.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        };
        format!(
            "http://{host}:{}{}",
            self.addr.port(),
            self.shared.base_path()
        )
    }

    /// Output paths currently served (empty while the site has never built).
    pub fn served_paths(&self) -> Vec<String> {
        self.shared.served_paths()
    }

    /// Counts successful rebuilds that changed something; tests wait on it.
    pub fn generation(&self) -> u64 {
        self.shared.generation()
    }

    /// Whether a search index is still to be rebuilt after the last update; tests wait on it.
    pub fn search_is_due(&self) -> bool {
        self.shared.search_is_due()
    }

    /// Blocks until the server stops (the CLI: until Ctrl+C ends the process).
    pub fn wait(mut self) {
        if let (Some(rt), Some(server)) = (&self.runtime, self.server.take()) {
            let _ = rt.block_on(server);
        }
    }

    /// Stops the HTTP server, closes the reload channels and ends the watcher.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.stop();
        if let Some(w) = self.watcher.take() {
            w.stop();
        }
        if let Some(rt) = self.runtime.take() {
            if let Some(server) = self.server.take() {
                let _ = rt
                    .block_on(async { tokio::time::timeout(Duration::from_secs(2), server).await });
            }
            rt.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The URL of the reload script for a base path: `/__optout/live.js`.
pub fn live_reload_url(base_path: &str) -> String {
    format!("{base_path}{RESERVED_DIR}/live.js")
}

/// Binds, builds the site, starts watching and serving; returns once requests are answered.
/// A site that fails to build still starts (it is served as an error page until fixed).
pub fn start(options: ServeOptions) -> Result<ServerHandle, ServeError> {
    let root = std::fs::canonicalize(&options.root).map_err(|source| ServeError::Root {
        root: options.root.clone(),
        source,
    })?;
    let addr = SocketAddr::new(options.bind, options.port);
    // Bind before the (possibly long) first build, so a port in use fails at once.
    let listener = TcpListener::bind(addr).map_err(|source| ServeError::Bind { addr, source })?;
    let addr = listener.local_addr().map_err(ServeError::Runtime)?;
    listener
        .set_nonblocking(true)
        .map_err(ServeError::Runtime)?;
    if !options.bind.is_loopback() {
        let what = if options.drafts {
            "the preview (drafts included)"
        } else {
            "the preview"
        };
        options.terminal.line(format!(
            "warning: listening on {} — {what} is reachable from other machines on the network\n  hint: leave out --bind to serve on 127.0.0.1 only",
            options.bind
        ));
    }

    let base_path = crate::config::Config::load(&root)
        .map(|c| c.base_path)
        .unwrap_or_else(|_| "/".to_string());
    let build_options = BuildOptions {
        root: root.clone(),
        drafts: options.drafts,
        render: RenderOptions {
            live_reload: Some(live_reload_url(&base_path)),
        },
        ..Default::default()
    };
    let started = Instant::now();
    let (initial, initial_errors) = state::build_fresh(&build_options);

    let shared = Arc::new(state::Shared::new(base_path));
    let mut rebuilder =
        state::Rebuilder::new(shared.clone(), build_options, options.terminal.clone());
    rebuilder.install_initial(initial, initial_errors, started.elapsed());

    let watcher =
        watch::WatchThread::start(&root, &options, rebuilder).map_err(ServeError::Watch)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("optout-http")
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let server = {
        let _guard = runtime.enter();
        let listener = tokio::net::TcpListener::from_std(listener).map_err(ServeError::Runtime)?;
        let app = http::router(shared.clone());
        let stopped = shared.stopped();
        runtime.spawn(async move {
            use axum::serve::ListenerExt;
            let listener = listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(stopped)
                .await;
        })
    };
    let handle = ServerHandle {
        addr,
        shared,
        runtime: Some(runtime),
        server: Some(server),
        watcher: Some(watcher),
    };
    options
        .terminal
        .line(format!("Serving {} — press Ctrl+C to stop", handle.url()));

    Ok(handle)
}

/// `--open`: the system's URL opener, if there is one; failing to open is not an error.
pub fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!("note: could not run `{opener}`; open {url} in your browser");
    }
}
