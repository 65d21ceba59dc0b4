//! The `optout` command line: a thin layer over the library. It parses arguments, runs a stage,
//! hands what it found to the [`Terminal`] and chooses the exit code (0 ok, 1 content or config
//! errors, 2 usage).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};

use optout::build::{self, BuildOptions};
use optout::config::Config;
use optout::error::Diagnostics;
use optout::report::{Terminal, Verbosity};

// Rendering allocates many small strings on every thread; mimalloc handles that pattern better
// than the system allocator (measured: see README, "Speed").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "optout",
    version,
    about = "Builds the bilingual optout site: Markdown guides to a fast, private static site.",
    after_help = "Drafts (`draft: true`) are skipped by build, check and serve, and not reported; \
                  add --drafts (-D) to build them and see their placeholders."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print errors only.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print details too: where the site was found, which drafts were left out.
    #[arg(short, long, global = true)]
    verbose: bool,
}

/// `--root`, on every command that works on a site.
#[derive(Args, Clone)]
struct SiteRoot {
    /// The site's folder, the one with site.yaml [default: the current folder or the nearest
    /// folder above it with a site.yaml].
    #[arg(short = 'r', long, value_name = "DIR", global = true)]
    root: Option<PathBuf>,
}

/// `--drafts`, the same for build, check and serve.
#[derive(Args, Clone, Copy)]
struct Drafts {
    /// Include pages with `draft: true`; without it drafts are skipped and their placeholders
    /// are not reported.
    #[arg(short = 'D', long)]
    drafts: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new site: site.yaml, a home page and an example guide in German and English,
    /// and the default theme. It builds and checks clean at once.
    Init {
        /// The folder to create the site in (created if missing; must not hold a site yet).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Build the site into public/ (or --output); nothing is written if there is any error.
    Build {
        #[command(flatten)]
        root: SiteRoot,
        /// Output folder [default: output_dir from site.yaml, under the root].
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Base URL, overriding site.yaml (e.g. https://example.org/optout/).
        #[arg(short = 'u', long, value_name = "URL")]
        base_url: Option<String>,
        #[command(flatten)]
        drafts: Drafts,
    },
    // ---- check and translations (src/check/) ----
    /// The editor's quality gate: everything `build` validates, outdated translations, guides
    /// due for review, passed deadlines, external links; writes nothing (but `sources.lock`
    /// with --update-lock).
    Check {
        #[command(flatten)]
        root: SiteRoot,
        #[command(flatten)]
        drafts: Drafts,
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
        #[command(flatten)]
        root: SiteRoot,
    },
    /// Preview the site with live reload: build into memory, serve it, rebuild on every change.
    Serve {
        #[command(flatten)]
        root: SiteRoot,
        /// Port to listen on.
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but loopback makes the preview reachable from the network.
        #[arg(short, long, default_value = "127.0.0.1", value_parser = optout::serve::parse_bind)]
        bind: std::net::IpAddr,
        /// Open the site in the browser once it is served.
        #[arg(short = 'O', long)]
        open: bool,
        #[command(flatten)]
        drafts: Drafts,
    },
    /// Scaffold a new platform guide as a draft: SECTION/NAME, e.g. guides/tiktok.
    New {
        /// Section folder and file name below content/, e.g. guides/tiktok.
        name: String,
        #[command(flatten)]
        root: SiteRoot,
    },
    /// Print a shell completion script for bash, zsh, fish, elvish or powershell.
    ///
    /// For example `optout completions bash > ~/.local/share/bash-completion/completions/optout`
    /// or `optout completions fish > ~/.config/fish/completions/optout.fish`.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
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
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    // Everything the command line says goes to stderr; stdout stays free for data.
    let terminal = Terminal::Stderr(verbosity);
    let t = &terminal;
    match cli.command {
        Command::Init { dir } => init_command(t, dir),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "optout", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Build {
            root,
            output,
            base_url,
            drafts,
        } => with_root(t, root, |root| {
            let options = BuildOptions {
                root,
                output,
                base_url,
                drafts: drafts.drafts,
                progress: !t.is_quiet() && std::io::IsTerminal::is_terminal(&std::io::stderr()),
                ..Default::default()
            };
            finish(
                t,
                "nothing was written",
                build::build(options).map(|r| {
                    t.diagnostics(&r.warnings);
                    tell_drafts(t, &r.drafts_left_out);
                    t.line(format!(
                        "{} → {}",
                        r.summary("Built"),
                        r.output_dir.display()
                    ));
                }),
            )
        }),
        Command::Check {
            root,
            drafts,
            external,
            update_lock,
            format,
            deny_warnings,
        } => with_root(t, root, |root| {
            let mut options = optout::check::CheckOptions::new(
                BuildOptions {
                    root,
                    drafts: drafts.drafts,
                    ..Default::default()
                },
                today(),
            );
            options.external = external;
            options.update_lock = update_lock;
            check_command(t, options, format, deny_warnings)
        }),
        Command::Translations { action, root } => {
            with_root(t, root, |root| translations_command(t, root, action))
        }
        Command::Serve {
            root,
            port,
            bind,
            open,
            drafts,
        } => with_root(t, root, |root| {
            let options = optout::serve::ServeOptions {
                root,
                port,
                bind,
                drafts: drafts.drafts,
                terminal: terminal.clone(),
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
                    t.problem(e);
                    ExitCode::from(1)
                }
            }
        }),
        Command::New { name, root } => with_root(t, root, |root| {
            finish(
                t,
                "nothing was written",
                optout::scaffold::new_guide(&root, &name).map(|created| {
                    for f in &created.files {
                        t.line(format!("created {}", f.display()));
                    }
                    t.line(created.next_steps());
                }),
            )
        }),
    }
}

/// Runs `command` on the site's folder: `--root` as given, else found upwards from here.
fn with_root(t: &Terminal, root: SiteRoot, command: impl FnOnce(PathBuf) -> ExitCode) -> ExitCode {
    let explicit = root.root.is_some();
    match Config::find_root(root.root) {
        Ok(dir) => {
            if !explicit && dir != std::path::Path::new(".") {
                t.detail(format!("site found in {}", dir.display()));
            }
            command(dir)
        }
        Err(e) => {
            t.errors(&e.into(), "nothing was done");
            ExitCode::from(1)
        }
    }
}

fn init_command(t: &Terminal, dir: PathBuf) -> ExitCode {
    finish(
        t,
        "nothing was written",
        optout::init::new_site(&dir, today()).map(|files| {
            for f in &files {
                t.detail(format!("created {}", dir.join(f).display()));
            }
            t.line(format!(
                "Created a new site in {} ({} files).",
                dir.display(),
                files.len()
            ));
            let cd = if dir == std::path::Path::new(".") {
                String::new()
            } else {
                format!("cd {} && ", shell_word(&dir.to_string_lossy()))
            };
            t.line(format!(
                "Preview it with `{cd}optout serve` (http://127.0.0.1:1111/), add a guide with \
                 `optout new guides/NAME`, build it with `optout build`."
            ));
        }),
    )
}

/// `dir` as one shell word: quoted when it holds anything but the harmless characters.
fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The drafts rule, told once: how many drafts were left out (which ones with `--verbose`).
fn tell_drafts(t: &Terminal, drafts: &[PathBuf]) {
    if let Some(line) = optout::report::drafts_left_out(drafts.len()) {
        t.line(line);
        for d in drafts {
            t.detail(format!(
                "  draft: {}",
                std::path::Path::new(optout::content::CONTENT_DIR)
                    .join(d)
                    .display()
            ));
        }
    }
}

// ---- check and translations (src/check/) ----

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn check_command(
    t: &Terminal,
    options: optout::check::CheckOptions,
    format: optout::check::format::Format,
    deny_warnings: bool,
) -> ExitCode {
    use optout::check::{self, format::Format};
    let report = check::run(options);
    match format {
        Format::Human => {
            tell_drafts(t, &report.drafts_left_out);
            check::format::human(&report, t, t.colour());
        }
        Format::Json => println!("{}", check::format::json(&report, deny_warnings)),
        Format::Github => {
            print!("{}", check::format::github(&report));
            t.line(check::format::summary(&report));
        }
    }
    ExitCode::from(check::format::exit_code(&report, deny_warnings))
}

fn translations_command(
    t: &Terminal,
    root: PathBuf,
    action: Option<TranslationsAction>,
) -> ExitCode {
    use optout::check::translations::{self, MarkWhat, Marked};
    let options = BuildOptions {
        root,
        drafts: true,
        ..Default::default()
    };
    match action {
        None => finish(
            t,
            "no table was printed",
            optout::build::Project::load_graph(options).map(|p| {
                // The table is data: stdout.
                print!("{}", translations::table(&translations::rows(&p.site)));
            }),
        ),
        Some(TranslationsAction::Mark { page, all, from }) => {
            let what = match (page, all) {
                (Some(path), false) => MarkWhat::Page {
                    path: below_root(&options.root, path),
                    from: from.map(optout::config::Lang),
                },
                _ => MarkWhat::All,
            };
            finish(
                t,
                "nothing was marked",
                translations::mark(options, what, today()).map(|done| {
                    let mut unchanged = 0;
                    for m in done {
                        match m {
                            Marked::Written(f) => t.line(format!("marked {}", f.display())),
                            Marked::Unchanged(_) => unchanged += 1,
                        }
                    }
                    if unchanged > 0 {
                        t.line(format!(
                            "{} already in step",
                            optout::report::count(unchanged, "translation")
                        ));
                    }
                }),
            )
        }
    }
}

/// A file named on the command line, relative to the site's root: `facebook.en.md` typed in
/// `content/guides/` is `content/guides/facebook.en.md`. Anything else is passed on as given.
fn below_root(root: &std::path::Path, path: PathBuf) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else {
        return path;
    };
    let full = cwd.join(&path);
    if !full.is_file() {
        return path;
    }
    match (full.canonicalize(), root.canonicalize()) {
        (Ok(full), Ok(root)) => full.strip_prefix(&root).map(PathBuf::from).unwrap_or(path),
        _ => path,
    }
}

/// Exit code of a command: 0, or 1 after printing the errors and what they mean (`consequence`).
fn finish(t: &Terminal, consequence: &str, result: Result<(), Diagnostics>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            t.errors(&diags.sorted(), consequence);
            ExitCode::from(1)
        }
    }
}
