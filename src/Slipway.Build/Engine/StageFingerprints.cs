using System.Security.Cryptography;
using System.Text;
using Slipway.Store;
using Slipway.Store.Layers;

namespace Slipway.Build.Engine;

/// <summary>What a <c>COPY --from=&lt;stage&gt;</c> reads from that stage, fingerprinted file by file (absolute path
/// in the stage → <see cref="FileFingerprint"/>, as <see cref="CopySource.Fingerprint"/> makes them: no mtime), and
/// remembered by the stage's layers and the copy's sources in <paramref name="dir"/> (the store's
/// <c>cache/fingerprints/</c>), one file per id. The layers'
/// diffIDs fix every byte of the stage's filesystem, so the memo never goes stale: an unchanged stage costs one
/// file read instead of a mount and a walk.</summary>
public sealed class StageFingerprints(string dir)
{
    private const string Header = "slipway.stagefiles.v1";

    private string Dir => dir;

    /// <summary>The memo's name: the layers (diffIDs in order) and the sources as written after <c>${}</c>
    /// expansion (wildcards are expanded against the stage, which the layers fix).</summary>
    public static string Id(IEnumerable<LayerRef> layers, IEnumerable<string> sources)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(sources);
        var text = new StringBuilder(Header).Append('\0');
        foreach (var layer in layers)
        {
            text.Append(layer.DiffId.Value).Append('\0');
        }

        text.Append("sources\0");
        foreach (var source in sources)
        {
            text.Append(source).Append('\0');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Whether <paramref name="id"/> can name a memo (64 lowercase hex digits): an imported id becomes a
    /// file name only then.</summary>
    public static bool IsId(string id) =>
        id is { Length: 64 } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>The memo, or null when there is none (or it cannot be read: then it is made again).</summary>
    public SortedDictionary<string, string>? Load(string id)
    {
        if (!IsId(id))
        {
            return null;
        }

        try
        {
            return Parse(File.ReadAllBytes(Path.Join(Dir, id)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes the memo by temp + rename, so a reader sees all of it or none.</summary>
    public void Save(string id, IReadOnlyDictionary<string, string> files)
    {
        if (!IsId(id))
        {
            throw new ArgumentException($"not a fingerprint memo id: {id}", nameof(id));
        }

        Directory.CreateDirectory(Dir);
        Store.DurableFile.ReplaceAtomically(Path.Join(Dir, id), Format(files));
    }

    /// <summary>The memo as bytes: a header, then path and fingerprint pairs, each ended by NUL (which no path
    /// or link target holds).</summary>
    public static byte[] Format(IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var text = new StringBuilder(Header).Append('\0');
        foreach (var (path, fingerprint) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            text.Append(path).Append('\0').Append(fingerprint).Append('\0');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A memo an imported cache carries, checked as the store's own would be (absolute paths, no NUL,
    /// fingerprints that read back); null when it is not one.</summary>
    public static SortedDictionary<string, string>? FromImport(IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return files.All(f => f.Key.StartsWith('/') && !f.Key.Contains('\0', StringComparison.Ordinal) && f.Value is not null
                && !f.Value.Contains('\0', StringComparison.Ordinal))
            ? Parse(Format(files))
            : null;
    }

    /// <summary>The memo from its bytes; null when they are not one (a torn or foreign file).</summary>
    public static SortedDictionary<string, string>? Parse(ReadOnlySpan<byte> bytes)
    {
        var parts = Encoding.UTF8.GetString(bytes).Split('\0');
        // Header, pairs, and the empty string after the last NUL.
        if (parts.Length < 2 || parts[0] != Header || parts[^1].Length != 0 || (parts.Length - 2) % 2 != 0)
        {
            return null;
        }

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < parts.Length; i += 2)
        {
            if (FileFingerprint.Parse(parts[i + 1]) is null && parts[i + 1] != "d")
            {
                return null;
            }

            files[parts[i]] = parts[i + 1];
        }

        return files;
    }
}
