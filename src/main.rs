//! The `optout` command line: a thin layer over the library. It parses arguments, runs a stage,
//! prints diagnostics and chooses the exit code (0 ok, 1 content or config errors, 2 usage).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use optout::build::{self, BuildOptions};

// Rendering allocates many small strings on every thread; mimalloc handles that pattern better
// than the system allocator (measured: see README, "Speed").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use optout::error::Diagnostics;
use optout::report::Terminal;

/// Everything the command line says goes to stderr; stdout stays free for data.
const TERMINAL: Terminal = Terminal::Stderr;

#[derive(Parser)]
#[command(
    name = "optout",
    version,
    about = "Builds the bilingual optout site: Markdown guides to a fast, private static site."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --output); nothing is written if there is any error.
    Build {
        /// Site root (the directory with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output directory (default: output_dir from site.yaml, under the root).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Base URL, overriding site.yaml (e.g. https://example.org/optout/).
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages with `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Validate everything `build` validates, without writing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages with `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Preview the site with live reload: build into memory, serve it, rebuild on every change.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but loopback makes the preview reachable from the network.
        #[arg(long, default_value = "127.0.0.1", value_parser = optout::serve::parse_bind)]
        bind: std::net::IpAddr,
        /// Open the site in the browser once it is served.
        #[arg(long)]
        open: bool,
        /// Include pages with `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Scaffold a new platform guide: SECTION/NAME, e.g. guides/tiktok.
    New {
        /// Section directory and file name below content/, e.g. guides/tiktok.
        name: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
        } => {
            let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let options = BuildOptions {
                root,
                output,
                base_url,
                drafts,
                progress,
                ..Default::default()
            };
            finish(build::build(options).map(|r| {
                TERMINAL.diagnostics(&r.warnings);
                TERMINAL.line(format!(
                    "{} → {}",
                    r.summary("Built"),
                    r.output_dir.display()
                ));
            }))
        }
        Command::Check { root, drafts } => {
            let options = BuildOptions {
                root,
                drafts,
                ..Default::default()
            };
            finish(build::check(options).map(|r| {
                TERMINAL.diagnostics(&r.warnings);
                TERMINAL.line(r.summary("Checked"));
            }))
        }
        Command::Serve {
            root,
            port,
            bind,
            open,
            drafts,
        } => {
            let options = optout::serve::ServeOptions {
                root,
                port,
                bind,
                drafts,
                ..Default::default()
            };
            match optout::serve::start(options) {
                Ok(server) => {
                    if open {
                        optout::serve::open_browser(&server.url());
                    }
                    server.wait();
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    TERMINAL.line(e);
                    ExitCode::from(1)
                }
            }
        }
        Command::New { name, root } => {
            finish(optout::scaffold::new_guide(&root, &name).map(|files| {
                for f in files {
                    TERMINAL.line(format!("created {}", f.display()));
                }
                TERMINAL.line(format!(
                "Replace every {}, then remove `draft: true`; `optout check` lists what is left.",
                optout::content::PLACEHOLDER
            ));
            }))
        }
    }
}

fn finish(result: Result<(), Diagnostics>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            TERMINAL.errors(&diags.sorted(), "nothing was written");
            ExitCode::from(1)
        }
    }
}
