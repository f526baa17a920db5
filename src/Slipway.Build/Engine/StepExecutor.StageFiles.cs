using System.Collections.Concurrent;

namespace Slipway.Build.Engine;

public sealed partial class StepExecutor
{
    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyDictionary<string, string>>>> _stageFiles = new(StringComparer.Ordinal);

    private readonly StageFingerprints _stageMemos = new(store.Layout.StageFingerprints);

    /// <summary>The stage fingerprint memos this build's <c>COPY --from=&lt;stage&gt;</c> steps used, by id, for a
    /// max cache export (only those that completed).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> StageFingerprintsUsed =>
        _stageFiles.Where(f => f.Value.Value.IsCompletedSuccessfully).ToDictionary(f => f.Key, f => f.Value.Value.Result, StringComparer.Ordinal);

    /// <summary>Adds what <c>COPY --from=&lt;stage&gt;</c> reads to its inputs, as BuildKit keys a copy by a checksum of
    /// its sources: each entry's path in the stage, type, mode, owner, link target and content, never its mtime. A
    /// stage rerun (by <c>--no-cache-filter</c>, or on a root whose cache carried only the final stage) that made the
    /// same bytes leaves the copy cached; one that made other bytes reruns it and names the file. <c>--exclude</c>d
    /// files still count (as for the context).</summary>
    private async Task AddStageFilesAsync(StepState stage, IReadOnlyList<string> sources, StepInputs result, CancellationToken cancellationToken)
    {
        var id = StageFingerprints.Id(stage.Layers, sources);
        var files = await _stageFiles.GetOrAdd(id, key => new Lazy<Task<IReadOnlyDictionary<string, string>>>(
            () => StageFilesAsync(key, stage, sources, cancellationToken))).Value.ConfigureAwait(false);
        foreach (var (path, fingerprint) in files)
        {
            result.AddFile(path, fingerprint);
        }
    }

    /// <summary>The memo (this root's, else an imported cache's, which spares fetching the stage's layers), or the
    /// stage mounted read-only and walked, remembered for the next build.</summary>
    private async Task<IReadOnlyDictionary<string, string>> StageFilesAsync(string id, StepState stage, IReadOnlyList<string> sources,
        CancellationToken cancellationToken)
    {
        if (_stageMemos.Load(id) is { } memo)
        {
            return memo;
        }

        if (_imports?.Fingerprints(id) is { } imported)
        {
            return imported;
        }

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using (var space = new Workspace(store.Layout))
        using (var mounted = await Snapshotter.ViewAsync(space.NewPath("stage"), stage.Layers, cancellationToken).ConfigureAwait(false))
        {
            var source = new CopySource(mounted.Path, null);
            foreach (var rel in sources.SelectMany(source.Expand))
            {
                source.Fingerprint(rel, (path, fingerprint) => files["/" + path] = fingerprint);
            }
        }

        try
        {
            _stageMemos.Save(id, files);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: without the memo the next build walks the stage again.
            progress.OnWarning($"could not remember the fingerprint of a stage's files: {ex.Message}");
        }

        return files;
    }
}
