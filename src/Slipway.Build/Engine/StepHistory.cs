using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Build.Engine;

/// <summary>What a step was built from the last time, for explaining its next miss: under
/// <c>cache/steps/&lt;identity&gt;.json</c> its key, its inputs' keys and its named inputs, with the file list in
/// a gzip sidecar (<c>.files.gz</c>, short fingerprints) since a context can hold many files. One record per
/// step identity, replaced (temp + rename) by each build of it; a lost or unreadable record means "no previous
/// build", never an error.</summary>
public sealed class StepHistory(LocalStore store)
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

    public sealed record Entry(string Key, IReadOnlyList<string> Parents, IReadOnlyList<KeyValuePair<string, string>> Values,
        IReadOnlyDictionary<string, string>? Files);

    public async Task<Entry?> LoadAsync(string identity, CancellationToken cancellationToken)
    {
        var file = Path.Join(Dir, identity + ".json");
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

            var files = await LoadFilesAsync(Path.Join(Dir, identity + ".files.gz"), record.Files, cancellationToken).ConfigureAwait(false);
            return new Entry(record.Key, record.Parents, [.. record.Values.Select(v => KeyValuePair.Create(v.Name, v.Value))], files);
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Records a build of the step; skipped when the record already holds this key (nothing changed).</summary>
    public async Task SaveAsync(string identity, Digest key, IReadOnlyList<Digest> parents, StepInputs inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parents);
        ArgumentNullException.ThrowIfNull(inputs);
        Directory.CreateDirectory(Dir);
        var file = Path.Join(Dir, identity + ".json");
        var record = new StepRecord
        {
            Key = key.Value,
            Parents = [.. parents.Select(p => p.Value)],
            Values = [.. inputs.Values.Select(v => new StepValue { Name = v.Key, Value = v.Value })],
        };
        // The key covers the parents, the values and the files: the same key means the same record.
        if (await StoredKeyAsync(file, cancellationToken).ConfigureAwait(false) == record.Key)
        {
            return;
        }

        if (inputs.Files.Count > 0)
        {
            var list = new StringBuilder();
            foreach (var (path, fingerprint) in inputs.Files)
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
