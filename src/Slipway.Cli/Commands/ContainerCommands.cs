using System.CommandLine;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway container …</c>, docker's management command: the subcommands that also stand at the top
/// (<c>ps</c> as <c>container ls|ps|list</c>, <c>logs</c>); the other container commands join it here.</summary>
internal static class ContainerCommands
{
    public static Command Group(GlobalOptions globals, ICliEnvironment env) =>
        new("container", "Manage containers")
        {
            PsCommand.Create(globals, env, "ls", "ps", "list"),
            LogsCommand.Create(globals, env),
        };
}
