using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Instructions;

namespace Slipway.Build.Engine;

/// <summary>Privileges a Dockerfile may ask for but only the person running the build may grant (buildx's
/// <c>--allow</c>): a Dockerfile alone never gets the host's network or an unconfined RUN.</summary>
[Flags]
public enum Entitlements
{
    None = 0,

    /// <summary><c>network.host</c>: <c>RUN --network=host</c>.</summary>
    NetworkHost = 1,

    /// <summary><c>security.insecure</c>: <c>RUN --security=insecure</c> (all capabilities, no seccomp, nothing masked).</summary>
    SecurityInsecure = 2,
}

/// <summary>Parses <c>--allow</c> values and checks a build's RUN instructions against what was granted, before
/// anything runs.</summary>
public static class EntitlementCheck
{
    public const string NetworkHostName = "network.host";
    public const string SecurityInsecureName = "security.insecure";

    /// <summary>Parses <c>--allow</c> values, each one name or a comma-separated list, as buildx does.</summary>
    public static bool TryParse(IEnumerable<string> values, out Entitlements granted, out string? error)
    {
        ArgumentNullException.ThrowIfNull(values);
        granted = Entitlements.None;
        error = null;
        foreach (var name in values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            switch (name)
            {
                case NetworkHostName:
                    granted |= Entitlements.NetworkHost;
                    break;
                case SecurityInsecureName:
                    granted |= Entitlements.SecurityInsecure;
                    break;
                default:
                    error = $"invalid entitlement: {name}";
                    return false;
            }
        }

        return true;
    }

    /// <summary>One diagnostic per RUN of <paramref name="stages"/> that needs an entitlement not granted, with
    /// BuildKit's wording ("security.insecure is not allowed") and how to grant it.</summary>
    public static IReadOnlyList<Diagnostic> Check(IEnumerable<Stage> stages, Entitlements granted)
    {
        ArgumentNullException.ThrowIfNull(stages);
        return [.. stages.SelectMany(s => s.Instructions).SelectMany(i => Check(i, granted))];
    }

    /// <summary>The diagnostics for one instruction (an ONBUILD trigger is checked by what it triggers).</summary>
    public static IEnumerable<Diagnostic> Check(Instruction instruction, Entitlements granted)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        if (instruction is OnbuildInstruction onbuild)
        {
            instruction = onbuild.Trigger;
        }

        if (instruction is not RunInstruction run)
        {
            yield break;
        }

        if (run.Network == NetworkMode.Host && !granted.HasFlag(Entitlements.NetworkHost))
        {
            yield return NotAllowed(NetworkHostName, "RUN --network=host", run);
        }

        if (run.Security == SecurityMode.Insecure && !granted.HasFlag(Entitlements.SecurityInsecure))
        {
            yield return NotAllowed(SecurityInsecureName, "RUN --security=insecure", run);
        }
    }

    private static Diagnostic NotAllowed(string entitlement, string what, RunInstruction run) =>
        Diagnostic.Error(DiagnosticIds.Entitlement,
            $"{entitlement} is not allowed: {what} needs the {entitlement} entitlement; pass --allow {entitlement} to grant it",
            run.Span);
}
