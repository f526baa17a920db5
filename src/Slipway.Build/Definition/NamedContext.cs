using System.Diagnostics.CodeAnalysis;
using Slipway.Oci;

namespace Slipway.Build.Definition;

/// <summary>One <c>--build-context NAME=VALUE</c>: a source that stands in for <c>FROM NAME</c>, <c>COPY --from=NAME</c>
/// and <c>RUN --mount=from=NAME</c>, and replaces a stage called NAME, as BuildKit's named contexts do.
/// <see cref="Name"/> is normalised as BuildKit normalises both sides (<c>docker.io/library/alpine:latest</c> and
/// <c>alpine</c> are one name).</summary>
public abstract record NamedContext(string Name)
{
    /// <summary>Parses one value as buildx does: <c>docker-image://REF</c>, <c>oci-layout://DIR[:TAG][@DIGEST]</c>,
    /// <c>http(s)://URL</c>, or a local directory (which must be there).</summary>
    public static bool TryParse(string spec, [NotNullWhen(true)] out NamedContext? context, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(spec);
        context = null;
        var eq = spec.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            error = $"invalid context value: {spec}, expected key=value";
            return false;
        }

        var (key, value) = (spec[..eq], spec[(eq + 1)..]);
        if (Normalize(key, out var why) is not { } name)
        {
            error = $"invalid context name {key}: {why}";
            return false;
        }

        error = null;
        if (value.StartsWith("docker-image://", StringComparison.Ordinal))
        {
            var reference = value["docker-image://".Length..];
            if (!ImageReference.TryParse(reference, out var image, out why))
            {
                error = $"invalid build context {key}: {value}: {why}";
                return false;
            }

            context = new ImageContext(name, image);
            return true;
        }

        if (value.StartsWith("oci-layout://", StringComparison.Ordinal))
        {
            context = Layout(name, value["oci-layout://".Length..], out error);
            return context is not null;
        }

        if (value.StartsWith("git@", StringComparison.Ordinal) || value.StartsWith("git://", StringComparison.Ordinal)
            || value.StartsWith("ssh://", StringComparison.Ordinal) || value.StartsWith("target:", StringComparison.Ordinal)
            || (Uri.TryCreate(value, UriKind.Absolute, out var git) && git.Scheme is "http" or "https" && git.AbsolutePath.EndsWith(".git", StringComparison.Ordinal)))
        {
            error = $"build context {key}={value}: git repositories and bake targets are not supported as build contexts yet";
            return false;
        }

        if (Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            context = new UrlContext(name, url);
            return true;
        }

        if (!Directory.Exists(value))
        {
            error = File.Exists(value)
                ? $"failed to get build context path {key}={value}: not a directory"
                : $"failed to get build context {key}: stat {value}: no such file or directory";
            return false;
        }

        context = new DirectoryContext(name, Path.GetFullPath(value));
        return true;
    }

    /// <summary>The name a reference is known by when matched with a named context: familiar, without
    /// <c>:latest</c> (BuildKit's <c>NamedContext</c>); null when it is not a valid reference.</summary>
    public static string? Normalize(string name, out string? error)
    {
        if (!ImageReference.TryParseNormalized(name, out var reference, out error))
        {
            return null;
        }

        var familiar = reference.FamiliarString;
        return familiar.EndsWith(":latest", StringComparison.Ordinal) ? familiar[..^":latest".Length] : familiar;
    }

    /// <summary>The context <paramref name="name"/> (a base image, a <c>--from</c>, a stage's name) stands for, if any.</summary>
    public static NamedContext? Find(IReadOnlyList<NamedContext> contexts, string name)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        if (contexts.Count == 0 || Normalize(name, out _) is not { } normalized)
        {
            return null;
        }

        return contexts.LastOrDefault(c => c.Name == normalized);
    }

    /// <summary><c>oci-layout://DIR[:TAG][@DIGEST]</c> as buildx splits it; neither tag nor digest means <c>latest</c>.</summary>
    private static LayoutContext? Layout(string name, string rest, out string? error)
    {
        Digest? digest = null;
        string? tag = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0 && Digest.TryParse(rest[(at + 1)..], out var parsed))
        {
            (rest, digest) = (rest[..at], parsed);
        }

        var colon = rest.LastIndexOf(':');
        var slash = rest.LastIndexOf('/');
        if (colon > slash && colon < rest.Length - 1 && IsTag(rest[(colon + 1)..]))
        {
            (rest, tag) = (rest[..colon], rest[(colon + 1)..]);
        }

        if (!Directory.Exists(Path.Join(rest, "blobs")) || !File.Exists(Path.Join(rest, "index.json")))
        {
            error = $"oci-layout reference \"oci-layout://{rest}\" could not be resolved: {rest} is not an OCI layout directory (no index.json and blobs/)";
            return null;
        }

        error = null;
        return new LayoutContext(name, Path.GetFullPath(rest), digest is null ? tag ?? "latest" : tag, digest);
    }

    private static bool IsTag(string value) =>
        value.Length <= 128 && (char.IsAsciiLetterOrDigit(value[0]) || value[0] == '_')
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
}

/// <summary>A local directory, read as the main context is (its own <c>.dockerignore</c> applies).</summary>
public sealed record DirectoryContext(string Name, string Path) : NamedContext(Name);

/// <summary><c>docker-image://REF</c>: an image from the store or its registry.</summary>
public sealed record ImageContext(string Name, ImageReference Reference) : NamedContext(Name);

/// <summary><c>oci-layout://DIR</c>: the image an OCI layout directory holds under <see cref="Tag"/> (its
/// <c>org.opencontainers.image.ref.name</c>) or with <see cref="Digest"/>.</summary>
public sealed record LayoutContext(string Name, string Path, string? Tag, Digest? Digest) : NamedContext(Name);

/// <summary><c>https://URL</c>: one file, downloaded, named <c>context</c> (BuildKit's HTTP source).</summary>
public sealed record UrlContext(string Name, Uri Url) : NamedContext(Name);
