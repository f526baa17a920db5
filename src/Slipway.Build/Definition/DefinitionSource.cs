using Slipway.Oci;

namespace Slipway.Build.Definition;

/// <summary>What a <see cref="BuildDefinition"/> is made from besides the Dockerfile's text: where the context and
/// the Dockerfile are, and what picks and shapes the stages (target, build args, platform).</summary>
public sealed record DefinitionSource
{
    public required string ContextDir { get; init; }

    /// <summary>The Dockerfile's path, for finding <c>&lt;Dockerfile&gt;.dockerignore</c>; null for stdin.</summary>
    public string? DockerfilePath { get; init; }

    /// <summary>The name diagnostics and the history give the file: stdin's is <c>Dockerfile</c>.</summary>
    public string DockerfileName => DockerfilePath is null ? "Dockerfile" : Path.GetFileName(DockerfilePath);

    public string? Target { get; init; }

    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary><c>--platform</c>: the platforms to build for, in the order asked, none twice; the host's by default.
    /// A build for several makes one image each and an index of them.</summary>
    public IReadOnlyList<Platform> Platforms { get; init; } = [Platform.Host];

    /// <summary>The first of <see cref="Platforms"/>: the target platform of a one-platform build (and of each
    /// <see cref="BuildDefinition.PerPlatform"/> definition); setting it asks for that one alone.</summary>
    public Platform Platform
    {
        get => Platforms[0];
        init => Platforms = [value];
    }

    /// <summary><c>--build-context</c>s, in the order given (a later one of the same name wins).</summary>
    public IReadOnlyList<NamedContext> NamedContexts { get; init; } = [];
}
