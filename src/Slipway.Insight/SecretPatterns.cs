using System.Text;
using System.Text.RegularExpressions;

namespace Slipway.Insight;

/// <summary>What a leaked secret looks like in an image: its bytes as they are, and base64 of any text holding
/// them — standard and URL-safe alphabets, at each of the three alignments the value can have inside the encoded
/// text — plus the shapes of well-known credentials for <c>--scan-secrets</c>.</summary>
internal static partial class SecretPatterns
{
    /// <summary>Values shorter than this match too much by chance to fail a build over; they are not scanned.</summary>
    public const int MinimumLength = 4;

    /// <summary>The patterns of every secret long enough to scan; the ids of the others come back in
    /// <paramref name="tooShort"/>.</summary>
    public static List<LiteralPattern> For(IReadOnlyDictionary<string, byte[]> secrets, out List<string> tooShort)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        tooShort = [];
        var patterns = new List<LiteralPattern>();
        foreach (var (id, value) in secrets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (value.Length < MinimumLength)
            {
                tooShort.Add(id);
                continue;
            }

            patterns.Add(new LiteralPattern($"secret \"{id}\"", value));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var offset = 0; offset < 3; offset++)
            {
                var core = Base64Core(value, offset);
                if (core.Length >= MinimumLength && seen.Add(core))
                {
                    patterns.Add(new LiteralPattern($"secret \"{id}\" (base64)", Encoding.ASCII.GetBytes(core)));
                }

                var url = core.Replace('+', '-').Replace('/', '_');
                if (url != core && url.Length >= MinimumLength && seen.Add(url))
                {
                    patterns.Add(new LiteralPattern($"secret \"{id}\" (base64url)", Encoding.ASCII.GetBytes(url)));
                }
            }
        }

        return patterns;
    }

    /// <summary>The base64 characters that depend only on <paramref name="value"/> when it starts
    /// <paramref name="offset"/> bytes into a 3-byte group: character i encodes bits [6i, 6i+6) of the input, so
    /// it is fixed exactly when those bits all lie within the value.</summary>
    internal static string Base64Core(byte[] value, int offset)
    {
        var padded = new byte[offset + value.Length + 2];
        value.CopyTo(padded, offset);
        var encoded = Convert.ToBase64String(padded);
        var first = (8 * offset + 5) / 6;
        var end = 8 * (offset + value.Length) / 6;
        return end > first ? encoded[first..end] : "";
    }

    /// <summary>Credentials with a recognisable shape. Generic <c>password=</c> assignments are left out: they
    /// are everywhere in distribution files and would drown the real findings.</summary>
    public static IReadOnlyList<Detector> Detectors { get; } =
    [
        new("private key (PEM)", PemPrivateKey()),
        new("AWS access key id", AwsAccessKey()),
        new("GitHub token", GitHubToken()),
        new("Slack token", SlackToken()),
    ];

    [GeneratedRegex(@"-----BEGIN (?:[A-Z0-9]+ ){0,4}PRIVATE KEY-----", RegexOptions.CultureInvariant)]
    private static partial Regex PemPrivateKey();

    [GeneratedRegex(@"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex AwsAccessKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])", RegexOptions.CultureInvariant)]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])xox[abposr]-[0-9A-Za-z]{8,}-[0-9A-Za-z-]{8,200}", RegexOptions.CultureInvariant)]
    private static partial Regex SlackToken();
}
