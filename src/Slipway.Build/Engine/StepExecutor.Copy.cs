using Slipway.Build.Context;
using Slipway.Dockerfile.Expansion;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Layers;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Engine;

public sealed partial class StepExecutor
{
    /// <summary>The image a <c>--from</c> names when no stage has that name (as in BuildKit); the error says so,
    /// since the name is most often a stage's, mistyped.</summary>
    private async Task<Slipway.Store.Images.StoredImage> FromImageAsync(string from, CancellationToken cancellationToken)
    {
        try
        {
            return await resolveImage(ParseImage(from), cancellationToken).ConfigureAwait(false);
        }
        catch (BuildException ex)
        {
            throw new BuildException($"COPY --from={from}: no stage is named \"{from}\", so it was taken as an image: {ex.Message}", ex);
        }
    }

    private static ImageReference ParseImage(string name) =>
        ImageReference.TryParse(name, out var reference, out var error)
            ? reference
            : throw new BuildException($"COPY --from: invalid image reference \"{name}\": {error}");

    private Task<StepState> AddAsync(StepVertex step, AddInstruction add, IReadOnlyList<StepState> inputs, CancellationToken cancellationToken) =>
        CopyAsync(step, add.Sources, add.Options, null, inputs, cancellationToken, add);

    private async Task<StepState> CopyAsync(StepVertex step, SourcesAndDest sources, CopyOptions copyOptions, string? from,
        IReadOnlyList<StepState> inputs, CancellationToken cancellationToken, AddInstruction? add = null)
    {
        var state = inputs[0];
        var exclude = copyOptions.Excludes.Count == 0 ? null
            : PatternMatcher.Create(copyOptions.Excludes.Select(e => Expand(e, state)), out var excludeError)
                ?? throw new BuildException($"{step.Instruction!.Span.File}:{step.Instruction.Span.StartLine}: invalid --exclude pattern: {excludeError}");
        using var sourceSpace = new Workspace(store.Layout);
        CopySource source;
        ISnapshotView? sourceMount = null;
        if (from is null)
        {
            source = ContextSource();
        }
        else
        {
            var layers = graph.Find(from) is not null
                ? inputs[1].Layers
                : (await FromImageAsync(from, cancellationToken).ConfigureAwait(false)) is var image
                    ? image.Manifest.Layers.Select((l, i) => new LayerRef(l, image.Config.RootFs.DiffIds[i])).ToList()
                    : [];
            sourceMount = await Snapshotter.ViewAsync(sourceSpace.NewPath("source"), layers, cancellationToken).ConfigureAwait(false);
            source = new CopySource(sourceMount.Path, null);
        }

        try
        {
            var heredocs = new CopySource(WriteHeredocs(sources, state, sourceSpace), null);
            var expanded = sources.SourcePaths.Select(p => Expand(p, state)).ToList();
            var urls = add is null ? [] : expanded.Where(AddSources.IsUrl).ToList();
            var rels = expanded.Where(p => !urls.Contains(p)).Select(source.Expand).ToList();
            var dest = Expand(sources.Dest, state);
            var workingDir = string.IsNullOrEmpty(state.Container.WorkingDir) ? "/" : state.Container.WorkingDir;
            var absolute = dest.StartsWith('/') ? dest : workingDir.TrimEnd('/') + "/" + dest;
            var many = rels.Sum(r => r.Count) + urls.Count + sources.SourceContents.Count > 1;
            var destIsDir = dest.EndsWith('/') || dest == "." || many;
            using var workspace = new Workspace(store.Layout);
            using var mounted = await MountStateAsync(state, workspace, cancellationToken).ConfigureAwait(false);
            {
                var owner = copyOptions.Chown is null ? new Users.Identity(0, 0, []) : Users.Resolve(Expand(copyOptions.Chown, state), mounted.Path, forChown: true);
                var copier = new FileCopier(mounted.Path, owner.Uid, owner.Gid, ParseMode(copyOptions.Chmod), exclude);
                foreach (var rel in rels.SelectMany(r => r))
                {
                    // ADD unpacks a local tar archive into the destination instead of copying it.
                    if (add is not null && from is null && AddSources.OpenArchive(source.HostPath(rel, followFinal: true)) is { } archive)
                    {
                        await AddSources.ExtractAsync(archive, EnsureDirectoryIn(mounted.Path, absolute), cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    if (copier.ExcludesSource(rel))
                    {
                        continue;
                    }

                    if (copyOptions.Parents)
                    {
                        // --parents keeps the source's directories below the destination.
                        var parent = Path.GetDirectoryName(rel)?.Replace('\\', '/') ?? "";
                        copier.Copy(source, rel, parent.Length == 0 ? absolute : absolute.TrimEnd('/') + "/" + parent, destinationIsDir: true);
                        continue;
                    }

                    copier.Copy(source, rel, absolute, destIsDir);
                }

                foreach (var url in urls)
                {
                    var (file, _) = await AddSourceCache.DownloadAsync(url, add!.Checksum, cancellationToken).ConfigureAwait(false);
                    var name = Path.GetFileName(new Uri(url).AbsolutePath);
                    var downloads = new CopySource(Path.GetDirectoryName(file)!, null);
                    var target = destIsDir ? absolute.TrimEnd('/') + "/" + (name.Length > 0 ? name : "index.html") : absolute;
                    copier.Copy(downloads, Path.GetFileName(file), target, destinationIsDir: false);
                }

                foreach (var heredoc in sources.SourceContents)
                {
                    copier.Copy(heredocs, heredoc.Name, absolute, destIsDir);
                }
            }

            var createdBy = AddSources.Redact($"COPY {(from is null ? "" : "--from=" + from + " ")}{string.Join(' ', sources.SourcePaths)} {sources.Dest} # buildkit");
            return await CommitAsync(state, mounted, createdBy, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            sourceMount?.Dispose();
        }
    }

    /// <summary>The host path of a directory inside an image root, created (inside the root) when missing.</summary>
    private static string EnsureDirectoryIn(string root, string path)
    {
        var resolver = new RootResolver(root);
        var components = RootResolver.Clean(path);
        if (components.Count == 0)
        {
            return resolver.Root;
        }

        resolver.EnsureParent(components);
        var host = resolver.Resolve(components, followFinal: true);
        Directory.CreateDirectory(host);
        return host;
    }

    /// <summary>Heredoc sources of COPY become files in a scratch dir, expanded unless their delimiter was quoted.</summary>
    private static string WriteHeredocs(SourcesAndDest sources, StepState state, Workspace space)
    {
        var dir = Directory.CreateDirectory(Path.Join(space.Dir, "heredocs")).FullName;
        foreach (var heredoc in sources.SourceContents)
        {
            var content = heredoc.Expand ? ShellLex.ProcessHeredoc(heredoc.ChompedContent, state.Lookup).Word : heredoc.ChompedContent;
            var file = Path.Join(dir, GoPath.Clean(heredoc.Name).TrimStart('/').Replace('/', '_'));
            File.WriteAllText(file, content);
            File.SetUnixFileMode(file, (UnixFileMode)0x1A4);
        }

        return dir;
    }

    private static uint? ParseMode(string? chmod)
    {
        if (chmod is null)
        {
            return null;
        }

        try
        {
            var mode = Convert.ToUInt32(chmod, 8);
            return mode <= 0xFFF ? mode : throw new BuildException($"invalid chmod parameter: {chmod}");
        }
        catch (FormatException)
        {
            throw new BuildException($"invalid chmod parameter: {chmod} (only octal modes are supported yet)");
        }
    }
}
