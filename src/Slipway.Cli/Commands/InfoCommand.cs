using System.CommandLine;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway info</c>: the version, the store root and what this machine offers.</summary>
internal static class InfoCommand
{
    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var command = new Command("info", "Show the version, the store root and the detected OCI runtime");
        command.SetAction(parse =>
        {
            var root = StoreRoot.Resolve(parse.GetValue(globals.Root), env);
            env.Out.WriteLine($"Version:    {SlipwayApp.Version}");
            env.Out.WriteLine($"Store root: {root}");
            return 0;
        });
        return command;
    }
}
