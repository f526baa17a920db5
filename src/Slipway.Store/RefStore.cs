using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Oci;

namespace Slipway.Store;

/// <summary>Names (<c>docker.io/library/alpine:latest</c>) → descriptors, kept in one <c>refs.json</c> that is
/// replaced atomically. Readers never lock (they see the old or the new file, never a mix); writers take the
/// store lock so that two processes cannot lose each other's updates.</summary>
public sealed class RefStore(StoreLayout layout, TimeSpan lockTimeout)
{
    public IReadOnlyDictionary<string, Descriptor> List() => Load(layout.RefsFile);

    public Descriptor? Resolve(string name) => List().GetValueOrDefault(name);

    /// <summary>Points <paramref name="name"/> at <paramref name="target"/>; returns the previous target.</summary>
    public Task<Descriptor?> SetAsync(string name, Descriptor target, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(target);
        return MutateAsync(refs =>
        {
            var previous = refs.GetValueOrDefault(name);
            refs[name] = target;
            return previous;
        }, cancellationToken);
    }

    /// <summary>Removes a name; returns what it pointed at, or null when there was no such name.</summary>
    public Task<Descriptor?> DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        MutateAsync(refs => refs.Remove(name, out var previous) ? previous : null, cancellationToken);

    /// <summary>Applies a read-modify-write under the store lock.</summary>
    public async Task<T> MutateAsync<T>(Func<Dictionary<string, Descriptor>, T> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        using var held = await StoreLock.AcquireAsync(layout.LockFile, lockTimeout, cancellationToken).ConfigureAwait(false);
        return MutateLocked(change);
    }

    /// <summary>For callers that already hold the store lock.</summary>
    internal T MutateLocked<T>(Func<Dictionary<string, Descriptor>, T> change)
    {
        var refs = new Dictionary<string, Descriptor>(Load(layout.RefsFile), StringComparer.Ordinal);
        var before = Serialize(refs);
        var result = change(refs);
        var after = Serialize(refs);
        // An unchanged index is not rewritten: a build that names the same image again, or removes a name that
        // is not there, costs no fsync.
        if (!before.AsSpan().SequenceEqual(after))
        {
            DurableFile.WriteAtomically(layout.RefsFile, after);
        }

        return result;
    }

    private static Dictionary<string, Descriptor> Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return new Dictionary<string, Descriptor>(StringComparer.Ordinal);
        }

        try
        {
            var file = JsonSerializer.Deserialize(bytes, StoreJsonContext.Default.RefsFile)
                ?? throw new InvalidDataException("null document");
            if (file.Version != RefsFile.CurrentVersion)
            {
                throw new InvalidDataException($"version {file.Version} is not supported");
            }

            return new Dictionary<string, Descriptor>(file.Refs, StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the store's ref index {path} is damaged: {e.Message}", e);
        }
    }

    private static byte[] Serialize(Dictionary<string, Descriptor> refs)
    {
        // Sorted so the file diffs cleanly and is the same for the same content.
        var sorted = refs.OrderBy(r => r.Key, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var file = new RefsFile { Version = RefsFile.CurrentVersion, Refs = sorted };
        return JsonSerializer.SerializeToUtf8Bytes(file, StoreJsonContext.Default.RefsFile);
    }
}

internal sealed record RefsFile
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("version")]
    public required int Version { get; init; }

    [JsonPropertyName("refs")]
    public required Dictionary<string, Descriptor> Refs { get; init; }
}

internal sealed record LeaseFile
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("pid")]
    public int Pid { get; init; }

    [JsonPropertyName("created")]
    public DateTimeOffset Created { get; init; }

    [JsonPropertyName("digests")]
    public required IReadOnlyList<Digest> Digests { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RefsFile))]
[JsonSerializable(typeof(LeaseFile))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
