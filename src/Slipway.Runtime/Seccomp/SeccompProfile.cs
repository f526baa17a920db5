using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Runtime.Spec;

namespace Slipway.Runtime.Seccomp;

/// <summary>A seccomp profile kept as data (default-profile.json, embedded): a default action and rules that
/// depend on the architecture, the capabilities the process gets and the kernel. <see cref="Resolve"/> turns it
/// into the OCI spec's <c>linux.seccomp</c> for one process, as Docker does when it starts a container.</summary>
public sealed class SeccompProfile
{
    [JsonPropertyName("defaultAction")]
    public string DefaultAction { get; set; } = "SCMP_ACT_ERRNO";

    [JsonPropertyName("defaultErrnoRet")]
    public uint? DefaultErrnoRet { get; set; }

    /// <summary>Per host architecture (Go's names), the seccomp architectures the filter covers: the native one
    /// and those whose system calls the CPU also takes (x86 and x32 on amd64, arm on arm64).</summary>
    [JsonPropertyName("architectures")]
    public Dictionary<string, List<string>> Architectures { get; set; } = [];

    [JsonPropertyName("rules")]
    public List<SeccompRule> Rules { get; set; } = [];

    /// <summary>Slipway's default for RUN: Docker's default allowlist.</summary>
    public static SeccompProfile Default { get; } = Load();

    private static SeccompProfile Load()
    {
        using var stream = typeof(SeccompProfile).Assembly.GetManifestResourceStream("Slipway.Runtime.Seccomp.default-profile.json")
            ?? throw new InvalidOperationException("the default seccomp profile is not embedded");
        return JsonSerializer.Deserialize(stream, SeccompJsonContext.Default.SeccompProfile)
            ?? throw new InvalidOperationException("the default seccomp profile is empty");
    }

    /// <param name="architecture">The host's architecture in Go's names (amd64, arm64).</param>
    /// <param name="capabilities">The capabilities the process is given (CAP_…).</param>
    /// <param name="kernel">The running kernel's version, for rules that need a minimum.</param>
    public SeccompSpec Resolve(string architecture, IReadOnlyCollection<string> capabilities, Version kernel)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        var spec = new SeccompSpec
        {
            DefaultAction = DefaultAction,
            DefaultErrnoRet = DefaultErrnoRet,
            Architectures = Architectures.TryGetValue(architecture, out var arches) ? [.. arches] : [],
        };
        foreach (var rule in Rules.Where(r => r.AppliesTo(architecture, capabilities, kernel)))
        {
            // Comparisons in one OCI rule must all hold; a rule that allows any of several values is one OCI rule each.
            List<List<SeccompArgSpec>?> argSets = rule.ArgAnyOf is { Count: > 0 } anyOf
                ? [.. anyOf.Select(a => new List<SeccompArgSpec> { a })]
                : [rule.Args is { Count: > 0 } args ? [.. args] : null];
            foreach (var argSet in argSets)
            {
                spec.Syscalls.Add(new SeccompSyscallSpec { Names = [.. rule.Names], Action = rule.Action, ErrnoRet = rule.ErrnoRet, Args = argSet });
            }
        }

        return spec;
    }
}

/// <summary>One rule of a <see cref="SeccompProfile"/>: system calls, the action, argument conditions, and when
/// the rule applies.</summary>
public sealed class SeccompRule
{
    /// <summary>Why the rule is there (documentation only).</summary>
    [JsonPropertyName("why")]
    public string? Why { get; set; }

    [JsonPropertyName("names")]
    public List<string> Names { get; set; } = [];

    [JsonPropertyName("action")]
    public string Action { get; set; } = "SCMP_ACT_ALLOW";

    [JsonPropertyName("errnoRet")]
    public uint? ErrnoRet { get; set; }

    /// <summary>Argument comparisons that must all hold.</summary>
    [JsonPropertyName("args")]
    public List<SeccompArgSpec>? Args { get; set; }

    /// <summary>Argument comparisons of which any one suffices.</summary>
    [JsonPropertyName("argAnyOf")]
    public List<SeccompArgSpec>? ArgAnyOf { get; set; }

    [JsonPropertyName("onlyOnArches")]
    public List<string>? OnlyOnArches { get; set; }

    [JsonPropertyName("exceptOnArches")]
    public List<string>? ExceptOnArches { get; set; }

    /// <summary>Applies only when the process has one of these capabilities.</summary>
    [JsonPropertyName("onlyWithCaps")]
    public List<string>? OnlyWithCaps { get; set; }

    /// <summary>Applies only when the process has none of these capabilities.</summary>
    [JsonPropertyName("unlessCaps")]
    public List<string>? UnlessCaps { get; set; }

    [JsonPropertyName("minKernel")]
    public string? MinKernel { get; set; }

    internal bool AppliesTo(string architecture, IReadOnlyCollection<string> capabilities, Version kernel) =>
        (OnlyOnArches is null || OnlyOnArches.Contains(architecture))
        && (ExceptOnArches is null || !ExceptOnArches.Contains(architecture))
        && (OnlyWithCaps is null || OnlyWithCaps.Any(capabilities.Contains))
        && (UnlessCaps is null || !UnlessCaps.Any(capabilities.Contains))
        && (MinKernel is null || kernel >= Version.Parse(MinKernel));
}

[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(SeccompProfile))]
internal sealed partial class SeccompJsonContext : JsonSerializerContext;
