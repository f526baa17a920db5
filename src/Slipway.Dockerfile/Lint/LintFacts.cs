namespace Slipway.Dockerfile.Lint;

/// <summary>What the checks need to know about the world outside the Dockerfile. The frontend reads no files: the
/// build (or the CLI) fills this in. Every member has a "don't know" value, and a rule that needs a fact it does
/// not have stays quiet.</summary>
public sealed record LintFacts
{
    /// <summary>Whether the context holds a <c>.dockerignore</c> (or <c>Dockerfile.dockerignore</c>); null: unknown.</summary>
    public bool? HasDockerignore { get; init; }

    /// <summary>The names at the top of the context directory; empty: unknown.</summary>
    public IReadOnlySet<string> ContextTopLevel { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Whether a context path (forward slashes, relative) is excluded by <c>.dockerignore</c>; null: unknown.</summary>
    public Func<string, bool>? IsIgnored { get; init; }

    /// <summary>The <c>--build-arg</c>s given to the build.</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The stage being built (<c>--target</c>); null: the last one.</summary>
    public string? Target { get; init; }

    /// <summary>The platform the build targets (<c>--platform</c>); null: unknown.</summary>
    public Oci.Platform? TargetPlatform { get; init; }

    /// <summary>The platform each base image (by its FROM text) resolved to; empty: unknown. The build knows them once
    /// it has pulled the bases, which is when it runs InvalidBaseImagePlatform itself.</summary>
    public IReadOnlyDictionary<string, Oci.Platform> BasePlatforms { get; init; } = new Dictionary<string, Oci.Platform>(StringComparer.Ordinal);

    public static LintFacts None { get; } = new();
}
