using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Slipway.Oci;

/// <summary>An image reference normalised as Docker does it: <c>alpine</c> is
/// <c>docker.io/library/alpine:latest</c>, <c>localhost:5000/x</c> keeps its registry, and a reference may carry
/// a tag, a digest or both. Errors use Docker's wording (<c>invalid reference format</c> …).</summary>
public sealed partial record ImageReference
{
    public const string DefaultDomain = "docker.io";
    public const string DefaultTag = "latest";
    private const string LegacyDefaultDomain = "index.docker.io";
    private const string OfficialRepoPrefix = "library/";
    private const int NameMaxLength = 255;

    private ImageReference(string domain, string path, string? tag, Digest? digest)
    {
        Domain = domain;
        Path = path;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry host, with port: <c>docker.io</c>, <c>localhost:5000</c>.</summary>
    public string Domain { get; }

    /// <summary>The repository path inside the registry: <c>library/alpine</c>.</summary>
    public string Path { get; }

    public string? Tag { get; }

    public Digest? Digest { get; }

    /// <summary><c>docker.io/library/alpine</c>.</summary>
    public string Name => $"{Domain}/{Path}";

    /// <summary>The short form people type: <c>alpine</c>, <c>user/app</c>, <c>localhost:5000/app</c>.</summary>
    public string FamiliarName
    {
        get
        {
            if (Domain != DefaultDomain)
            {
                return Name;
            }

            // Only a path that starts with "library/" has a prefix to cut; "a/b" is shorter than the prefix.
            if (!Path.StartsWith(OfficialRepoPrefix, StringComparison.Ordinal))
            {
                return Path;
            }

            var rest = Path[OfficialRepoPrefix.Length..];
            return rest.Contains('/', StringComparison.Ordinal) ? Path : rest;
        }
    }

    /// <summary><c>alpine:latest</c>, <c>alpine@sha256:…</c>: what <c>docker images</c> would show.</summary>
    public string FamiliarString => FamiliarName + Suffix;

    /// <summary>What to ask a registry for: the digest when there is one, else the tag.</summary>
    public string Selector => Digest?.Value ?? Tag ?? DefaultTag;

    private string Suffix => (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest.Value.Value);

    /// <summary>Parses as <c>docker pull</c> does: normalised, and tagged <c>latest</c> when neither a tag nor a
    /// digest is given.</summary>
    public static ImageReference Parse(string reference) =>
        TryParse(reference, out var result, out var error) ? result : throw new FormatException(error);

    public static bool TryParse(
        string? reference, [NotNullWhen(true)] out ImageReference? result, [NotNullWhen(false)] out string? error)
    {
        if (!TryParseNormalized(reference, out result, out error))
        {
            return false;
        }

        if (result.Tag is null && result.Digest is null)
        {
            result = result.WithTag(DefaultTag);
        }

        return true;
    }

    /// <summary>Docker's <c>ParseNormalizedNamed</c>: normalised, but no default tag is added.</summary>
    public static bool TryParseNormalized(
        string? reference, [NotNullWhen(true)] out ImageReference? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        reference ??= string.Empty;
        if (AnchoredIdentifier().IsMatch(reference))
        {
            error = $"invalid repository name ({reference}), cannot specify 64-byte hexadecimal strings";
            return false;
        }

        var (domain, remainder) = SplitDockerDomain(reference);
        var tagSeparator = remainder.IndexOf(':', StringComparison.Ordinal);
        var remoteName = tagSeparator >= 0 ? remainder[..tagSeparator] : remainder;
        if (!string.Equals(remoteName.ToLowerInvariant(), remoteName, StringComparison.Ordinal))
        {
            error = $"invalid reference format: repository name ({remoteName}) must be lowercase";
            return false;
        }

        return TryParseCanonical(domain + "/" + remainder, out result, out error);
    }

    /// <summary>Parses a fully qualified reference without normalising (distribution's <c>reference.Parse</c>,
    /// applied to input that already names its domain).</summary>
    private static bool TryParseCanonical(
        string value, [NotNullWhen(true)] out ImageReference? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        var match = ReferencePattern().Match(value);
        if (!match.Success)
        {
            error = value.Length == 0 ? "repository name must have at least one component"
                : ReferencePattern().IsMatch(value.ToLowerInvariant()) ? "repository name must be lowercase"
                : "invalid reference format";
            return false;
        }

        var name = match.Groups["name"].Value;
        if (name.Length > NameMaxLength)
        {
            error = $"repository name must not be more than {NameMaxLength} characters";
            return false;
        }

        Digest? digest = null;
        if (match.Groups["digest"].Success)
        {
            if (!Oci.Digest.TryParse(match.Groups["digest"].Value, out var parsed, out var digestError))
            {
                error = digestError;
                return false;
            }

            digest = parsed;
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var tag = match.Groups["tag"].Success ? match.Groups["tag"].Value : null;
        result = new ImageReference(name[..slash], name[(slash + 1)..], tag, digest);
        error = null;
        return true;
    }

    public ImageReference WithTag(string tag)
    {
        if (!TagPattern().IsMatch(tag))
        {
            throw new FormatException("invalid tag format");
        }

        return new ImageReference(Domain, Path, tag, Digest);
    }

    public ImageReference WithDigest(Digest digest) => new(Domain, Path, Tag, digest);

    /// <summary>The repository alone, without tag or digest.</summary>
    public ImageReference WithoutTagOrDigest() => new(Domain, Path, null, null);

    /// <summary>The fully qualified form: <c>docker.io/library/alpine:latest</c>.</summary>
    public override string ToString() => Name + Suffix;

    private static (string Domain, string Remainder) SplitDockerDomain(string name)
    {
        string domain, remainder;
        var i = name.IndexOf('/', StringComparison.Ordinal);
        if (i == -1 || (name[..i].IndexOfAny(['.', ':']) < 0 && name[..i] != "localhost"
                        && string.Equals(name[..i].ToLowerInvariant(), name[..i], StringComparison.Ordinal)))
        {
            (domain, remainder) = (DefaultDomain, name);
        }
        else
        {
            (domain, remainder) = (name[..i], name[(i + 1)..]);
        }

        if (domain == LegacyDefaultDomain)
        {
            domain = DefaultDomain;
        }

        if (domain == DefaultDomain && !remainder.Contains('/', StringComparison.Ordinal))
        {
            remainder = OfficialRepoPrefix + remainder;
        }

        return (domain, remainder);
    }

    // The grammar of distribution/reference: a domain (host names, IPv4, bracketed IPv6, optional port), then
    // lower-case path components separated by '.', '_', '__' or runs of '-'.
    private const string PathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private const string DomainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private const string Host = "(?:" + DomainComponent + "(?:\\." + DomainComponent + ")*|\\[[a-fA-F0-9:]+\\])";
    private const string DomainAndPort = Host + "(?::[0-9]+)?";
    private const string TagGrammar = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    private const string DigestPattern = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    private const string NamePattern = "(?:" + DomainAndPort + "/)?" + PathComponent + "(?:/" + PathComponent + ")*";

    [GeneratedRegex("^(?<name>" + NamePattern + ")(?::(?<tag>" + TagGrammar + "))?(?:@(?<digest>" + DigestPattern + "))?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();

    [GeneratedRegex("^" + TagGrammar + "$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex("^[a-f0-9]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex AnchoredIdentifier();
}
