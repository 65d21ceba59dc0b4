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
    // ---- check and translations (src/check/) ----
    /// The editor's quality gate: everything `build` validates, outdated translations, guides
    /// due for review, passed deadlines, external links; writes nothing (but `sources.lock`
    /// with --update-lock).
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages with `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Fetch every external link and cited source; compare with sources.lock.
        #[arg(long)]
        external: bool,
        /// With --external: record the sources' current state in sources.lock.
        #[arg(long, requires = "external")]
        update_lock: bool,
        /// How to show the findings.
        #[arg(long, value_enum, default_value_t)]
        format: optout::check::format::Format,
        /// Exit with 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Translation status: every page, its original and translations (ok, outdated, missing);
    /// `translations mark` records that a translation is in step with its original.
    Translations {
        #[command(subcommand)]
        action: Option<TranslationsAction>,
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
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

#[derive(Subcommand)]
enum TranslationsAction {
    /// Mark translations as in step with their original (writes `translation_of`).
    Mark {
        /// The translation's Markdown file, e.g. content/guides/facebook.en.md.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        page: Option<PathBuf>,
        /// Every translation whose original exists.
        #[arg(long)]
        all: bool,
        /// The language PAGE was translated from (default: the default language).
        #[arg(long)]
        from: Option<String>,
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
        Command::Check {
            root,
            drafts,
            external,
            update_lock,
            format,
            deny_warnings,
        } => check_command(root, drafts, external, update_lock, format, deny_warnings),
        Command::Translations { action, root } => translations_command(root, action),
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

// ---- check and translations (src/check/) ----

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn check_command(
    root: PathBuf,
    drafts: bool,
    external: bool,
    update_lock: bool,
    format: optout::check::format::Format,
    deny_warnings: bool,
) -> ExitCode {
    use optout::check::{self, format::Format};
    let build = BuildOptions {
        root,
        drafts,
        ..Default::default()
    };
    let mut options = check::CheckOptions::new(build, today());
    options.external = external;
    options.update_lock = update_lock;
    let report = check::run(options);
    match format {
        Format::Human => check::format::human(&report, &TERMINAL, check::format::colours_wanted()),
        Format::Json => println!("{}", check::format::json(&report, deny_warnings)),
        Format::Github => {
            print!("{}", check::format::github(&report));
            TERMINAL.line(check::format::summary(&report));
        }
    }
    ExitCode::from(check::format::exit_code(&report, deny_warnings))
}

fn translations_command(root: PathBuf, action: Option<TranslationsAction>) -> ExitCode {
    use optout::check::translations::{self, MarkWhat, Marked};
    let options = BuildOptions {
        root,
        drafts: true,
        ..Default::default()
    };
    match action {
        None => finish(optout::build::Project::load_graph(options).map(|p| {
            // The table is data: stdout.
            print!("{}", translations::table(&translations::rows(&p.site)));
        })),
        Some(TranslationsAction::Mark { page, all, from }) => {
            let what = match (page, all) {
                (Some(path), false) => MarkWhat::Page {
                    path,
                    from: from.map(optout::config::Lang),
                },
                _ => MarkWhat::All,
            };
            finish(translations::mark(options, what, today()).map(|done| {
                let mut unchanged = 0;
                for m in done {
                    match m {
                        Marked::Written(f) => TERMINAL.line(format!("marked {}", f.display())),
                        Marked::Unchanged(_) => unchanged += 1,
                    }
                }
                if unchanged > 0 {
                    TERMINAL.line(format!(
                        "{} already in step",
                        optout::report::count(unchanged, "translation")
                    ));
                }
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
