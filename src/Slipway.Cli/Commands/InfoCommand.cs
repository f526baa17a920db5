using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Runtime;
using Slipway.Runtime.Emulation;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway info</c>: the version, the store root and what this machine offers.</summary>
internal static class InfoCommand
{
    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var command = new Command("info", "Show the version, the store root, the detected OCI runtime and the platforms this machine runs");
        command.SetAction(parse =>
        {
            var root = StoreRoot.Resolve(parse.GetValue(globals.Root), env);
            env.Out.WriteLine($"Version:    {SlipwayApp.Version}");
            env.Out.WriteLine($"Store root: {root}");
            var layout = RuntimeDetector.DetectCgroupLayout();
            env.Out.WriteLine($"Cgroups:    {layout.ToString().ToLowerInvariant()}");
            var candidates = RuntimeDetector.Detect(env.GetVariable("PATH"), layout);
            var chosen = RuntimeDetector.Choose(candidates, null, out _);
            env.Out.WriteLine("Runtimes:");
            foreach (var candidate in candidates)
            {
                var mark = ReferenceEquals(candidate, chosen) ? "*" : " ";
                env.Out.WriteLine($"  {mark} {candidate.Name,-5} {candidate.Path ?? "-"}: {candidate.Reason}");
            }
            var network = Slipway.Runtime.Network.NetworkTools.Find(env.GetVariable("PATH"));
            env.Out.WriteLine(network is null
                ? $"Network:    none found for RUN's default network ({Slipway.Runtime.Network.NetworkTools.Missing})"
                : $"Network:    pasta {network.Pasta} (RUN: a network namespace of its own, outbound only; the host's loopback unreachable)");
            PlatformsText.Write(env.Out, Emulators.Detect());
            return 0;
        });
        return command;
    }
}
