//! The command line: `--help` of every command names its options, and a
//! command or option that does not exist fails with clap's message.

use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

/// Every command and the options its `--help` must mention.
const COMMANDS: &[(&str, &[&str])] = &[
    ("codegen", &["--spec", "--overlay", "--out", "--crate-name", "--check", "--tag", "--operation"]),
    ("corpus", &["DIR", "--spec", "--allow-failures", "--check-only", "--keep"]),
    ("contract", &["--full", "--spec"]),
    ("diff", &["--base", "--format", "markdown", "json", "--spec"]),
    ("bench-peer", &["--corpus", "--runs", "--rebuilds", "--no-rebuild", "--work"]),
    ("e2e-full", &["--spec"]),
    ("e2e-swagger2", &[]),
    ("bench", &[]),
    ("semver", &["--case", "--skip-compat", "--tool"]),
];

#[test]
fn help_lists_every_command() {
    for args in [&["--help"][..], &[][..]] {
        let run = xtask(args);
        assert!(run.status.success(), "{args:?}: {}", String::from_utf8_lossy(&run.stderr));
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(stdout.contains("Usage: cargo xtask"), "{stdout}");
        for (command, _) in COMMANDS {
            assert!(stdout.contains(&format!("  {command} ")), "{args:?} does not list {command}: {stdout}");
        }
    }
}

#[test]
fn help_of_each_command_describes_its_options() {
    for (command, options) in COMMANDS {
        for help in ["--help", "-h"] {
            let run = xtask(&[command, help]);
            let stdout = String::from_utf8_lossy(&run.stdout);
            assert!(run.status.success(), "{command} {help}: {}", String::from_utf8_lossy(&run.stderr));
            assert!(stdout.contains(&format!("Usage: cargo xtask {command}")), "{command} {help}: {stdout}");
            for option in *options {
                assert!(stdout.contains(option), "{command} {help} does not mention {option}: {stdout}");
            }
        }
    }
}

#[test]
fn unknown_options_fail_with_usage() {
    for (command, _) in COMMANDS {
        let run = xtask(&[command, "--no-such-option"]);
        assert!(!run.status.success(), "{command} accepted an unknown option");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains("unexpected argument '--no-such-option'"), "{command}: {stderr}");
        assert!(stderr.contains(&format!("Usage: cargo xtask {command}")), "{command}: {stderr}");
    }
}

#[test]
fn bad_arguments_fail_with_a_clear_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["no-such-command"], "unrecognized subcommand 'no-such-command'"),
        (&["codegen", "--spec"], "a value is required for '--spec <PATH>'"),
        (&["diff", "--format", "xml"], "invalid value 'xml' for '--format <FORMAT>'"),
        (&["corpus", "--check-only"], "the following required arguments were not provided"),
        (&["e2e-swagger2", "extra"], "unexpected argument 'extra'"),
    ];
    for (args, message) in cases {
        let run = xtask(args);
        assert!(!run.status.success(), "{args:?} succeeded");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}
