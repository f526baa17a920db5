using System.Text.RegularExpressions;
using Slipway.Oci;

namespace Slipway.Registry;

/// <summary>Checks the parts of a registry URL path that come from users: repository names and tags (the
/// distribution grammar), and manifest references (a tag or a digest). Nothing unchecked reaches a URL.</summary>
internal static partial class RepositoryName
{
    public static string Validate(string repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (repository.Length is 0 or > 255 || !NamePattern().IsMatch(repository))
        {
            throw new ArgumentException($"invalid repository name \"{repository}\"", nameof(repository));
        }

        return repository;
    }

    /// <summary>A tag or a digest, as it appears after <c>/manifests/</c>.</summary>
    public static (string Text, Digest? Digest) ValidateReference(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Contains(':', StringComparison.Ordinal))
        {
            if (!Digest.TryParse(reference, out var digest, out var error))
            {
                throw new ArgumentException(error, nameof(reference));
            }

            return (digest.Value, digest);
        }

        if (!TagPattern().IsMatch(reference))
        {
            throw new ArgumentException($"invalid tag \"{reference}\"", nameof(reference));
        }

        return (reference, null);
    }

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();
}
