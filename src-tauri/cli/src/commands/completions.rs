//! `grantry completions SHELL`: a completion script for bash, zsh, fish (or elvish,
//! PowerShell) on standard output, made from the same argument definitions the parser uses, so
//! it names every command and option there is. The .deb installs the bash, zsh and fish ones
//! where those shells look for them.

use std::io::Write;

use clap::Args;
use clap_complete::Shell;
use grantry_core::Error;

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

/// Prints the script for `args.shell`; `cli` is the whole command line's definition.
pub fn run(cli: clap::Command, args: &CompletionsArgs) -> Result<(), Error> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut without_hidden(cli), "grantry", &mut script);
    std::io::stdout()
        .write_all(&script)
        .map_err(|e| Error::InvalidInput(format!("cannot print the completion script: {e}")))
}

/// `cli` without its hidden commands (`grantry man`), which the script generators would offer
/// otherwise; its options (the global ones too) and every other command stay as they are.
fn without_hidden(cli: clap::Command) -> clap::Command {
    let shown = clap::Command::new("grantry")
        .args(cli.get_arguments().cloned())
        .subcommands(cli.get_subcommands().filter(|c| !c.is_hide_set()).cloned());
    match cli.get_about() {
        Some(about) => shown.about(about.clone()),
        None => shown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_commands_are_not_offered_and_the_others_are() {
        let cli = clap::Command::new("grantry")
            .arg(clap::Arg::new("json").long("json").global(true))
            .subcommand(clap::Command::new("link"))
            .subcommand(clap::Command::new("man").hide(true));
        let shown = without_hidden(cli);
        let names: Vec<&str> = shown.get_subcommands().map(|c| c.get_name()).collect();
        assert_eq!(names, ["link"]);
        assert!(shown.get_arguments().any(|a| a.get_id() == "json"));
    }
}
