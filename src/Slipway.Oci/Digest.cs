using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Oci;

/// <summary>A content digest, <c>algorithm:hex</c>. Validated on construction so that no path or URL is ever
/// built from a malformed value: only sha256 (64 hex) and sha512 (128 hex), lower-case.</summary>
[JsonConverter(typeof(DigestJsonConverter))]
public readonly record struct Digest
{
    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    public string Algorithm { get; }

    public string Hex { get; }

    public string Value => $"{Algorithm}:{Hex}";

    /// <summary>The first 12 hex characters, as <c>docker images</c> shows an IMAGE ID.</summary>
    public string ShortHex => Hex[..12];

    public static Digest Parse(string value)
    {
        if (!TryParse(value, out var digest, out var error))
        {
            throw new FormatException(error);
        }

        return digest;
    }

    public static bool TryParse(string? value, out Digest digest) => TryParse(value, out digest, out _);

    public static bool TryParse(string? value, out Digest digest, [NotNullWhen(false)] out string? error)
    {
        digest = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "invalid digest: empty";
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = $"invalid digest \"{Truncate(value)}\": missing algorithm";
            return false;
        }

        var algorithm = value[..colon];
        var hex = value[(colon + 1)..];
        var expected = algorithm switch
        {
            "sha256" => 64,
            "sha512" => 128,
            _ => -1,
        };
        if (expected < 0)
        {
            error = $"invalid digest \"{Truncate(value)}\": unsupported algorithm \"{Truncate(algorithm)}\"";
            return false;
        }

        if (hex.Length != expected || !IsLowerHex(hex))
        {
            error = $"invalid digest \"{Truncate(value)}\": {algorithm} needs {expected} lower-case hex characters";
            return false;
        }

        digest = new Digest(algorithm, hex);
        error = null;
        return true;
    }

    public static Digest FromSha256Hash(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("a sha256 hash has 32 bytes", nameof(hash));
        }

        return new Digest("sha256", Convert.ToHexStringLower(hash));
    }

    public static Digest Compute(ReadOnlySpan<byte> content) => FromSha256Hash(SHA256.HashData(content));

    public static Digest Compute(Stream content) => FromSha256Hash(SHA256.HashData(content));

    public static async Task<Digest> ComputeAsync(Stream content, CancellationToken cancellationToken = default) =>
        FromSha256Hash(await SHA256.HashDataAsync(content, cancellationToken).ConfigureAwait(false));

    public override string ToString() => Value;

    private static bool IsLowerHex(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}

public sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        return Digest.TryParse(value, out var digest, out var error) ? digest : throw new JsonException(error);
    }

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}
