using System.Collections.Concurrent;
using Slipway.Build.Cache;
using Slipway.Build.Engine;

namespace Slipway.Build.Ops;

/// <summary>What <c>COPY --from=&lt;stage&gt;</c> reads from that stage, fingerprinted file by file, as BuildKit keys a
/// copy by a checksum of its sources: each entry's path in the stage, type, mode, owner, link target and content,
/// never its mtime. Taken from a memo (the store's own, else an imported cache's, which spares fetching the stage's
/// layers), or from the stage mounted read-only and walked, then remembered in the store. Per build: each memo is
/// read or made once, and those used are what a max cache export carries.</summary>
public sealed class StageFiles(LocalCacheIndex local, IStageFileMemos? imported, StepLayers layers, Action<string> warn)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyDictionary<string, string>>>> _memos = new(StringComparer.Ordinal);

    /// <summary>The memos this build's copies used, by id (only those that completed).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Used =>
        _memos.Where(f => f.Value.Value.IsCompletedSuccessfully).ToDictionary(f => f.Key, f => f.Value.Value.Result, StringComparer.Ordinal);

    /// <summary>Adds the files <paramref name="sources"/> take from <paramref name="stage"/> to <paramref name="facts"/>.
    /// A stage rerun that made the same bytes leaves the copy cached; one that made other bytes reruns it and names
    /// the file. <c>--exclude</c>d files still count (as for the context).</summary>
    public async Task AddAsync(StepState stage, IReadOnlyList<string> sources, StepInputs facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(facts);
        var id = StageFingerprints.Id(stage.Layers, sources);
        var files = await _memos.GetOrAdd(id, key => new Lazy<Task<IReadOnlyDictionary<string, string>>>(
            () => ReadAsync(key, stage, sources, cancellationToken))).Value.ConfigureAwait(false);
        foreach (var (path, fingerprint) in files)
        {
            facts.AddFile(path, fingerprint);
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> ReadAsync(string id, StepState stage, IReadOnlyList<string> sources,
        CancellationToken cancellationToken)
    {
        if ((local.StageFiles(id) ?? imported?.StageFiles(id)) is { } memo)
        {
            return memo;
        }

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using (var space = layers.CreateWorkspace())
        using (var mounted = await layers.ViewAsync(stage.Layers, space, "stage", cancellationToken).ConfigureAwait(false))
        {
            var source = new CopySource(mounted.Path, null);
            foreach (var rel in sources.SelectMany(source.Expand))
            {
                source.Fingerprint(rel, (path, fingerprint) => files["/" + path] = fingerprint);
            }
        }

        try
        {
            local.RememberStageFiles(id, files);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: without the memo the next build walks the stage again.
            warn($"could not remember the fingerprint of a stage's files: {ex.Message}");
        }

        return files;
    }
}
