using System.Formats.Tar;
using System.Text;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;
using Slipway.Store.Layers;

namespace Slipway.Insight;

/// <summary>How <c>--scan-secrets</c> treats secret-looking values in the layers a build made.</summary>
public enum SecretScanMode
{
    /// <summary>Only the values of <c>--secret</c> are looked for.</summary>
    Off,

    /// <summary>Secret-looking values are reported as warnings.</summary>
    Warn,

    /// <summary>Secret-looking values fail the build.</summary>
    Error,
}

/// <summary>What a scan looks for: the <c>--secret</c> values by id, and whether secret-looking values count too.</summary>
public sealed record SecretScanOptions(IReadOnlyDictionary<string, byte[]> Secrets, SecretScanMode Mode);

/// <summary>What a scan found that must stop the image being tagged, one line each; empty when nothing did.</summary>
public sealed record SecretScanResult(IReadOnlyList<string> Errors)
{
    public static readonly SecretScanResult Clean = new([]);

    public bool IsClean => Errors.Count == 0;

    /// <summary>Where each secret is, and how to keep it out.</summary>
    public string Message => "the image holds secrets, so it was not tagged:\n  " + string.Join("\n  ", Errors) +
        "\nRead a secret from its mount (/run/secrets/ID) in the RUN that needs it and do not write it, or anything made from it, to the filesystem.";
}

/// <summary>One place a pattern was found: what (a label, never the value), in which layer and at which path.</summary>
internal sealed record SecretFinding(string What, string Where);

/// <summary>Runs between export and tagging: looks for every <c>--secret</c> value (plain and base64) in the
/// layers the build added on top of its base images, in the image config and in the history; the build fails
/// when one is there — the image is never tagged. With <c>--scan-secrets</c> it also reports values that look
/// like credentials. Layers are read decompressed as a stream, file by file, never held in memory.</summary>
public static class SecretScanner
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Scans <paramref name="image"/>'s layers outside <paramref name="baseLayers"/>, its config and its history.
    /// Warnings go to <paramref name="warn"/> as they are found; what must fail the build is returned.</summary>
    public static async Task<SecretScanResult> ScanAsync(LocalStore store, StoredImage image, IReadOnlySet<Digest> baseLayers, SecretScanOptions options,
        Action<string> warn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(baseLayers);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(warn);
        if (options.Secrets.Count == 0 && options.Mode == SecretScanMode.Off)
        {
            return SecretScanResult.Clean;
        }

        var literals = SecretPatterns.For(options.Secrets, out var tooShort);
        foreach (var id in tooShort)
        {
            warn($"secret {id} is shorter than {SecretPatterns.MinimumLength} bytes: not scanned for leaks into the image");
        }

        var detectors = options.Mode == SecretScanMode.Off ? [] : SecretPatterns.Detectors;
        if (literals.Count == 0 && detectors.Count == 0)
        {
            return SecretScanResult.Clean;
        }

        var leaks = new List<SecretFinding>();
        var suspicious = new List<SecretFinding>();
        var history = ImageSizeAnalyzer.MapHistory(image.Config.History, image.Manifest.Layers.Count);
        using var matcher = new StreamMatcher(literals, detectors);
        for (var i = 0; i < image.Manifest.Layers.Count; i++)
        {
            var layer = image.Manifest.Layers[i];
            if (baseLayers.Contains(layer.Digest))
            {
                continue;
            }

            var madeBy = history[i]?.CreatedBy is { } createdBy ? $" made by `{Redact(createdBy, literals)}`" : "";
            var where = $"layer {i} ({layer.Digest}){madeBy}";
            await ScanLayerAsync(store, layer.Digest, matcher, where, leaks, suspicious, cancellationToken).ConfigureAwait(false);
        }

        ScanConfig(image.Config, literals, leaks);
        foreach (var finding in suspicious)
        {
            if (options.Mode != SecretScanMode.Error)
            {
                warn($"{finding.What} found in {finding.Where}");
            }
        }

        var errors = leaks.Select(f => $"{f.What} found in {f.Where}").ToList();
        if (options.Mode == SecretScanMode.Error)
        {
            errors.AddRange(suspicious.Select(f => $"{f.What} found in {f.Where} (--scan-secrets=error)"));
        }

        return new SecretScanResult(errors);
    }

    private static async Task ScanLayerAsync(LocalStore store, Digest digest, StreamMatcher matcher, string where,
        List<SecretFinding> leaks, List<SecretFinding> suspicious, CancellationToken cancellationToken)
    {
        var raw = store.Blobs.OpenRead(digest);
        await using (raw.ConfigureAwait(false))
        {
            var (tar, _) = await LayerCompressionDetector.OpenAsync(raw, cancellationToken).ConfigureAwait(false);
            await using (tar.ConfigureAwait(false))
            {
                var reader = TarMetadataLimit.Reader(tar);
                await using (reader.ConfigureAwait(false))
                {
                    var buffer = new byte[ChunkSize];
                    while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        var path = "/" + entry.Name.TrimStart('.').TrimStart('/');
                        matcher.Reset();
                        Record(matcher, matcher.Feed(Encoding.UTF8.GetBytes(entry.Name + "\0" + entry.LinkName)), $"{where} in the name or link target of {path}", leaks, suspicious);
                        matcher.Reset();
                        if (entry.DataStream is not { } data)
                        {
                            continue;
                        }

                        int n;
                        while ((n = await data.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                        {
                            Record(matcher, matcher.Feed(buffer.AsSpan(0, n)), $"{where} at {path}", leaks, suspicious);
                        }
                    }
                }
            }
        }
    }

    private static void Record(StreamMatcher matcher, (List<int> Literals, List<int> Detectors) found, string where,
        List<SecretFinding> leaks, List<SecretFinding> suspicious)
    {
        foreach (var i in found.Literals)
        {
            leaks.Add(new SecretFinding(matcher.Literals[i].Label, where));
        }

        foreach (var i in found.Detectors)
        {
            suspicious.Add(new SecretFinding(matcher.Detectors[i].Label, where));
        }
    }

    /// <summary>The config is small: it is searched whole, then narrowed to the history entry that holds it.</summary>
    private static void ScanConfig(ImageConfig config, List<LiteralPattern> literals, List<SecretFinding> leaks)
    {
        var bytes = OciJson.Serialize(config);
        var history = config.History ?? [];
        var without = OciJson.Serialize(config with { History = null });
        foreach (var pattern in literals.Where(p => bytes.AsSpan().IndexOf(p.Bytes) >= 0))
        {
            var entries = Enumerable.Range(0, history.Count)
                .Where(i => Contains(history[i].CreatedBy, pattern.Bytes) || Contains(history[i].Comment, pattern.Bytes)).ToList();
            if (entries.Count > 0)
            {
                leaks.Add(new SecretFinding(pattern.Label, "the image history, entr" + (entries.Count == 1 ? "y " : "ies ") + string.Join(", ", entries)));
            }

            if (entries.Count == 0 || without.AsSpan().IndexOf(pattern.Bytes) >= 0)
            {
                leaks.Add(new SecretFinding(pattern.Label, "the image config"));
            }
        }
    }

    private static bool Contains(string? text, byte[] needle) => text is not null && Encoding.UTF8.GetBytes(text).AsSpan().IndexOf(needle) >= 0;

    /// <summary>An instruction as history keeps it, with any secret pattern in it masked, for naming a layer.</summary>
    private static string Redact(string text, List<LiteralPattern> literals)
    {
        foreach (var pattern in literals)
        {
            var value = Encoding.UTF8.GetString(pattern.Bytes);
            if (value.Length > 0)
            {
                text = text.Replace(value, "****", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
