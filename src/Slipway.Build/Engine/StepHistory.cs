using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Oci;
using Slipway.Solver;
using Slipway.Store;

namespace Slipway.Build.Engine;

/// <summary>What a step was built from the last time, for explaining its next miss: under
/// <c>cache/steps/&lt;identity&gt;.json</c> its key, its inputs' keys and its named inputs, with the file list in
/// a gzip sidecar (<c>.files.gz</c>, short fingerprints) since a context can hold many files. One record per
/// step identity, replaced (temp + rename) by each build of it; a lost or unreadable record means "no previous
/// build", never an error. <paramref name="ignoredInContext"/> tells whether a context path is there but excluded
/// (to say why a file went away); <paramref name="warn"/> hears of a record that could not be written.</summary>
public sealed class StepHistory(LocalStore store, Func<string, bool>? ignoredInContext = null, Action<string>? warn = null) : ICacheHistory
{
    private string Dir => store.Layout.StepHistory;

    /// <summary>The identity that makes "the last build of this step" meaningful: the same context directory and
    /// Dockerfile, the same stage (by name, else by index) and the same position in it. The platform is left out
    /// on purpose, so that building for another platform says "platform changed".</summary>
    public static string Identity(string contextDir, string? dockerfilePath, string dockerfileName, string stage, int step)
    {
        var file = dockerfilePath is null ? "stdin:" + dockerfileName : Path.GetFullPath(dockerfilePath);
        var text = $"slipway.stepidentity.v1\n{Path.TrimEndingDirectorySeparator(Path.GetFullPath(contextDir))}\n{file}\n{stage}\n{step}";
        return Digest.Compute(Encoding.UTF8.GetBytes(text)).Hex;
    }

    public async ValueTask<HistoryRecord?> LastAsync(string history, CancellationToken cancellationToken)
    {
        var file = Path.Join(Dir, history + ".json");
        try
        {
            if (!File.Exists(file))
            {
                return null;
            }

            var record = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false),
                StepHistoryJsonContext.Default.StepRecord);
            if (record is null)
            {
                return null;
            }

            var files = await LoadFilesAsync(Path.Join(Dir, history + ".files.gz"), record.Files, cancellationToken).ConfigureAwait(false);
            return new HistoryRecord(KeyOf(record.Key), [.. record.Parents.Select(KeyOf)],
                new CacheFacts([.. record.Values.Select(v => KeyValuePair.Create(v.Name, v.Value))], files));
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A key as the record holds it; one that does not parse matches no key (so it reads as "changed").</summary>
    private static CacheKey KeyOf(string text) => Digest.TryParse(text, out var digest) ? new CacheKey(digest) : default;

    /// <summary>Records a build of the step. Best effort: a history that cannot be written costs explanations,
    /// never the build.</summary>
    public async ValueTask RecordAsync(Vertex vertex, string history, HistoryRecord entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vertex);
        try
        {
            await SaveAsync(history, entry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warn?.Invoke($"{vertex.Name}: could not record its inputs for cache explanations: {ex.Message}");
        }
    }

    public IReadOnlyList<string> Changes(CacheFacts before, CacheFacts now, bool parentChanged)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(now);
        var changes = CacheExplainer.Changes(before.Values, before.Files, now.Values, now.Files ?? new Dictionary<string, string>(), ignoredInContext);
        if (parentChanged)
        {
            // Another stage's files change with its key: "parent step changed" then says where the change began.
            changes.RemoveAll(CacheExplainer.IsStageChange);
        }

        return changes;
    }

    /// <summary>Records a build of the step; skipped when the record already holds this key (nothing changed).</summary>
    public async Task SaveAsync(string identity, HistoryRecord entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Directory.CreateDirectory(Dir);
        var file = Path.Join(Dir, identity + ".json");
        var record = new StepRecord
        {
            Key = entry.Key.Value,
            Parents = [.. entry.Parents.Select(p => p.Value)],
            Values = [.. entry.Facts.Values.Select(v => new StepValue { Name = v.Key, Value = v.Value })],
        };
        // The key covers the parents, the values and the files: the same key means the same record.
        if (await StoredKeyAsync(file, cancellationToken).ConfigureAwait(false) == record.Key)
        {
            return;
        }

        if (entry.Facts.Files is { Count: > 0 } files)
        {
            var list = new StringBuilder();
            foreach (var (path, fingerprint) in files)
            {
                list.Append(path).Append('\0').Append(FileFingerprint.Shorten(fingerprint)).Append('\0');
            }

            var bytes = Encoding.UTF8.GetBytes(list.ToString());
            record.Files = Digest.Compute(bytes).Value;
            using var buffer = new MemoryStream();
            await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                await gzip.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            }

            DurableFile.ReplaceAtomically(Path.Join(Dir, identity + ".files.gz"), buffer.ToArray());
        }

        DurableFile.ReplaceAtomically(file, JsonSerializer.SerializeToUtf8Bytes(record, StepHistoryJsonContext.Default.StepRecord));
    }

    private static async Task<string?> StoredKeyAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            return File.Exists(file)
                ? JsonSerializer.Deserialize(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false), StepHistoryJsonContext.Default.StepRecord)?.Key
                : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }

    private static async Task<Dictionary<string, string>?> LoadFilesAsync(string path, string? digest, CancellationToken cancellationToken)
    {
        if (digest is null)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        if (!File.Exists(path))
        {
            return null;
        }

        using var output = new MemoryStream();
        await using (var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
        {
            await gzip.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
        }

        var bytes = output.ToArray();
        // The sidecar of another build of the step (a write raced, or only one half landed) is not this record's.
        if (Digest.Compute(bytes).Value != digest)
        {
            return null;
        }

        var parts = Encoding.UTF8.GetString(bytes).Split('\0');
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < parts.Length; i += 2)
        {
            files[parts[i]] = parts[i + 1];
        }

        return files;
    }
}

internal sealed class StepRecord
{
    public string Key { get; set; } = "";

    public List<string> Parents { get; set; } = [];

    public List<StepValue> Values { get; set; } = [];

    /// <summary>The digest of the uncompressed file list in the sidecar; null when the step read no files.</summary>
    public string? Files { get; set; }
}

internal sealed class StepValue
{
    public string Name { get; set; } = "";

    public string Value { get; set; } = "";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StepRecord))]
internal sealed partial class StepHistoryJsonContext : JsonSerializerContext;
