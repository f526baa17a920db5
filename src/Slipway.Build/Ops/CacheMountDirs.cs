using System.Collections.Concurrent;
using System.Text;
using Slipway.Build.Cache;
using Slipway.Build.Context;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Layers;

namespace Slipway.Build.Ops;

/// <summary>The directories of <c>RUN --mount=type=cache</c>: outside any layer, one per id under
/// <c>cache-mounts/</c> (named by the id's sha256, so an id can never name a path), held by the build's lease while
/// it runs, seeded once per build from an imported cache. Per build: it remembers which ids this build used, for
/// <c>--cache-to</c>.</summary>
public sealed class CacheMountDirs(StoreLayout layout, StageGraph graph, Lease? lease, CacheImports? imports, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, string> _used = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task>> _seeding = new(StringComparer.Ordinal);

    public static string Id(RunMount mount, string target)
    {
        ArgumentNullException.ThrowIfNull(mount);
        return string.IsNullOrEmpty(mount.Id) ? target : mount.Id;
    }

    /// <summary>The directory of the mount's cache, made (with the mount's mode and owner) when missing.</summary>
    public string Open(RunMount mount, string target)
    {
        ArgumentNullException.ThrowIfNull(mount);
        var id = Id(mount, target);
        var name = NameOf(id);
        var dir = PathOf(name);
        _used.TryAdd(id, dir);
        // The directory's name is a sha256, so the lease can hold it like a digest: prune leaves it alone while
        // this build runs.
        lease?.Add(name);
        if (!Directory.Exists(dir))
        {
            var created = Directory.CreateDirectory(dir).FullName;
            File.SetUnixFileMode(created, (UnixFileMode)(mount.Mode ?? 0x1ED));
            LayerNative.LChown(created, (int)(mount.Uid ?? 0), (int)(mount.Gid ?? 0));
        }
        else
        {
            // Its mtime is its last use, for prune --keep-storage and until=.
            Directory.SetLastWriteTimeUtc(dir, time.GetUtcNow().UtcDateTime);
        }

        return dir;
    }

    /// <summary>Seeds an empty cache directory, once per build, with the contents an imported cache carries for
    /// its id, before the first RUN that mounts it.</summary>
    public async Task SeedFromImportAsync(string id, string dir, CancellationToken cancellationToken)
    {
        if (imports is null || !imports.HasMount(id))
        {
            return;
        }

        await _seeding.GetOrAdd(id, _ => new Lazy<Task>(async () =>
        {
            if (IsEmpty(dir))
            {
                await imports.SeedMountAsync(id, dir, cancellationToken).ConfigureAwait(false);
            }
        })).Value.ConfigureAwait(false);
    }

    public static bool IsEmpty(string dir) => !Directory.EnumerateFileSystemEntries(dir).Any();

    /// <summary>The cache mount directories of this build, by id (what <c>--cache-to</c> carries): those its RUN
    /// steps mounted, and those its RUN steps name literally (an id, or an absolute target without variables) even
    /// when every step came from the cache this time.</summary>
    public IReadOnlyDictionary<string, string> Used()
    {
        var result = new Dictionary<string, string>(_used, StringComparer.Ordinal);
        foreach (var mount in graph.Required.SelectMany(s => s.Instructions).OfType<RunInstruction>().SelectMany(r => r.Mounts)
            .Where(m => m.Type == MountType.Cache))
        {
            var id = !string.IsNullOrEmpty(mount.Id) ? mount.Id : mount.Target is { } t && t.StartsWith('/') ? GoPath.Clean(t) : null;
            if (id is not null && !id.Contains('$', StringComparison.Ordinal) && PathOf(NameOf(id)) is var dir && Directory.Exists(dir))
            {
                result.TryAdd(id, dir);
            }
        }

        return result;
    }

    private static Digest NameOf(string id) => Digest.Compute(Encoding.UTF8.GetBytes(id));

    private string PathOf(Digest name) => layout.CacheMount(name);
}
