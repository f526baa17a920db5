using Slipway.Build.Context;
using Slipway.Build.Definition;
using Slipway.Build.Engine;
using Slipway.Store;
using Slipway.Store.Layers;

namespace Slipway.Build.Ops;

/// <summary>The build context as COPY and bind mounts read it (only what .dockerignore lets through), with the
/// content digests of its files kept across builds so unchanged files are not read again; saved when disposed.</summary>
public sealed class ContextFiles(StoreLayout layout, BuildOptions options) : IDisposable
{
    private readonly Lazy<ContentIndex> _index = new(() => ContentIndex.Open(layout, options.ContextDir));
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DockerIgnore> _named = new(StringComparer.Ordinal);

    /// <summary>How many context file digests came from the index and how many were hashed, so far.</summary>
    public ContextFileCounts Counts => _index.IsValueCreated ? new(_index.Value.Hits, _index.Value.Hashed) : default;

    public CopySource Source() => new(options.ContextDir, options.Ignore, _index.Value);

    /// <summary>A directory named by <c>--build-context</c>, read as the context is: through its own <c>.dockerignore</c>.</summary>
    public CopySource Named(DirectoryContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ignore = _named.GetOrAdd(context.Path, dir => ContextIgnore.Read(dir, null));
        return new CopySource(context.Path, ignore.Matcher ?? throw new BuildException($"build context {context.Name}: {ignore.Error ?? "bad .dockerignore"}"));
    }

    /// <summary>Whether a context path is there but excluded by .dockerignore (to say why a file went away).</summary>
    public bool IsIgnored(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return !path.StartsWith('/') && options.Ignore?.MatchesOrParentMatches(path) == true
            && LayerNative.LStat(new CopySource(options.ContextDir, null).HostPath(path, followFinal: false)) is not null;
    }

    public void Dispose()
    {
        if (_index.IsValueCreated)
        {
            _index.Value.Save();
        }
    }
}
