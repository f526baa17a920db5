using System.Globalization;
using Slipway.Build.Context;
using Slipway.Build.Definition;
using Slipway.Build.Engine;
using Slipway.Build.Git;
using Slipway.Dockerfile.Expansion;
using Slipway.Dockerfile.Instructions;
using Slipway.Solver;
using Slipway.Store.Layers;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Ops;

/// <summary>COPY and ADD: files from the context, a stage (<c>--from=&lt;stage&gt;</c>, input 1), an image, heredocs,
/// and for ADD git repositories, URLs and archives (local ones unpacked unless <c>--unpack=false</c>, downloaded
/// ones only with <c>--unpack=true</c>, as in BuildKit). Keyed by every flag after expansion and by what it reads:
/// each context entry's fingerprint, a downloaded URL's digest, the commit a git ref resolves to, an image's digest,
/// or the fingerprints of the files it takes from a stage, not the stage's key (<see cref="InputKeying.ByContent"/>,
/// docs/decisions/0003).</summary>
public sealed class CopyOp(StepVertex step, Instruction instruction, StepServices services, StepLayers layers, ContextFiles context,
    AddSources downloads, GitSources repositories, StageFiles stageFiles) : InstructionOp<Instruction>(step, instruction, services)
{
    private AddInstruction? Add => Instruction as AddInstruction;

    private SourcesAndDest Sources => Instruction is CopyInstruction copy ? copy.Sources : Add!.Sources;

    private CopyOptions CopyOptions => Instruction is CopyInstruction copy ? copy.Options : Add!.Options;

    private string? From => (Instruction as CopyInstruction)?.From;

    private CopySourceKinds Kinds(Expansion expand) =>
        CopySourceKinds.Of([.. Sources.SourcePaths.Select(expand.Word)], Add, Checksum(expand));

    private string? Checksum(Expansion expand) => Add?.Checksum is { } checksum ? expand.Word(checksum) : null;

    protected override IReadOnlyList<InputKeying> Keying => From is null ? [] : [InputKeying.ByKey, InputKeying.ByContent];

    protected override string Written => Add is null ? Instruction.Node.Original : AddSources.Redact(Instruction.Node.Original);

    protected override string Expanded(Expansion expand)
    {
        ArgumentNullException.ThrowIfNull(expand);
        var text = $"{string.Join(' ', Sources.SourcePaths.Select(expand.Word))} {expand.Word(Sources.Dest)}";
        return Add is null ? "COPY " + text : AddSources.Redact("ADD " + text);
    }

    protected override async Task AddOwnFactsAsync(StepInputs facts, IReadOnlyList<StepState> inputs, Expansion expand, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(expand);
        var options = CopyOptions;
        facts.AddFlag("--from", From);
        facts.AddFlag("--chown", options.Chown is null ? null : expand.Word(options.Chown));
        facts.AddFlag("--chmod", options.Chmod is null ? null : expand.Word(options.Chmod));
        facts.AddFlag("--link", options.Link ? "true" : null);
        facts.AddFlag("--parents", options.Parents ? "true" : null);
        facts.AddFlag("--exclude", string.Join(' ', options.Excludes.Select(expand.Word)));
        var kinds = Kinds(expand);
        if (Add is { } add)
        {
            facts.AddFlag("--checksum", Checksum(expand));
            facts.AddFlag("--keep-git-dir", add.KeepGitDir?.ToString(CultureInfo.InvariantCulture));
            facts.AddFlag("--unpack", add.Unpack?.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var heredoc in Sources.SourceContents)
        {
            facts.Add("heredoc:" + heredoc.Name, heredoc.Expand ? expand.Heredoc(heredoc.ChompedContent) : heredoc.ChompedContent);
        }

        if (From is { } from)
        {
            // An image's content is its digest; a stage's or a directory context's, the files the copy takes from it.
            if (!Services.IsStage(from) && Services.Images.Context(from) is DirectoryContext directory)
            {
                var named = context.Named(directory);
                facts.Add("context:" + from, "directory");
                FileCopier.Fingerprint(named, [.. Sources.SourcePaths.Select(expand.Word).SelectMany(named.Expand)], facts);
            }
            else if (!Services.IsStage(from))
            {
                facts.Add("image:" + from, (await Services.Images.ForCopyAsync(from, Step.Stage, cancellationToken).ConfigureAwait(false)).ManifestDescriptor.Digest.Value);
            }
            else if (inputs.Count > 1)
            {
                await stageFiles.AddAsync(inputs[1], [.. Sources.SourcePaths.Select(expand.Word)], facts, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var source = context.Source();
        foreach (var url in kinds.Urls)
        {
            facts.Add("url:" + AddSources.Redact(url), (await downloads.DownloadAsync(url, Checksum(expand), cancellationToken).ConfigureAwait(false)).Digest.Value);
        }

        // The commit the remote's ref names now (ls-remote, no fetch): an unchanged remote is a cache hit.
        foreach (var repository in kinds.Git)
        {
            var revision = await repositories.ResolveAsync(repository, cancellationToken).ConfigureAwait(false);
            facts.Add("git:" + AddSources.Redact(repository.Remote), revision.CacheKey(repository));
        }

        var rels = kinds.Paths.SelectMany(source.Expand).ToList();
        FileCopier.Fingerprint(source, rels, facts);
    }

    public override async ValueTask<StepState> ExecAsync(IReadOnlyList<StepState> inputs, CacheMap cacheMap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var state = inputs[0];
        var expand = Services.Expand(state);
        var sources = Sources;
        var copyOptions = CopyOptions;
        var from = From;
        var exclude = copyOptions.Excludes.Count == 0 ? null
            : PatternMatcher.Create(copyOptions.Excludes.Select(expand.Word), out var excludeError)
                ?? throw new BuildException($"{Instruction.Span.File}:{Instruction.Span.StartLine}: invalid --exclude pattern: {excludeError}");
        using var sourceSpace = layers.CreateWorkspace();
        CopySource source;
        ISnapshotView? sourceMount = null;
        if (from is null)
        {
            source = context.Source();
        }
        else if (!Services.IsStage(from) && Services.Images.Context(from) is DirectoryContext directory)
        {
            source = context.Named(directory);
        }
        else
        {
            var fromLayers = Services.IsStage(from)
                ? inputs[1].Layers
                : (await Services.Images.ForCopyAsync(from, Step.Stage, cancellationToken).ConfigureAwait(false)).Layers;
            sourceMount = await layers.ViewAsync(fromLayers, sourceSpace, "source", cancellationToken).ConfigureAwait(false);
            source = new CopySource(sourceMount.Path, null);
        }

        try
        {
            var heredocs = new CopySource(WriteHeredocs(sources, state, sourceSpace), null);
            var kinds = Kinds(expand);
            var rels = kinds.Paths.Select(source.Expand).ToList();
            var dest = expand.Word(sources.Dest);
            var workingDir = string.IsNullOrEmpty(state.Container.WorkingDir) ? "/" : state.Container.WorkingDir;
            var absolute = dest.StartsWith('/') ? dest : workingDir.TrimEnd('/') + "/" + dest;
            var many = rels.Sum(r => r.Count) + kinds.Urls.Count + kinds.Git.Count + sources.SourceContents.Count > 1;
            var destIsDir = dest.EndsWith('/') || dest == "." || many;
            using var workspace = layers.CreateWorkspace();
            // Held until the end: the snapshot outlives its commit.
            using var mounted = await layers.PrepareAsync(state.Layers, workspace, cancellationToken).ConfigureAwait(false);
            {
                var owner = copyOptions.Chown is null ? new Users.Identity(0, 0, []) : Users.Resolve(expand.Word(copyOptions.Chown), mounted.Path, forChown: true);
                var copier = new FileCopier(mounted.Path, owner.Uid, owner.Gid, ParseMode(copyOptions.Chmod is null ? null : expand.Word(copyOptions.Chmod)), exclude);
                foreach (var rel in rels.SelectMany(r => r))
                {
                    // ADD unpacks a local tar archive into the destination instead of copying it, unless --unpack=false.
                    if (Add is { Unpack: not false } && from is null && AddSources.OpenArchive(source.HostPath(rel, followFinal: true)) is { } archive)
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

                foreach (var url in kinds.Urls)
                {
                    var (file, _) = await downloads.DownloadAsync(url, Checksum(expand), cancellationToken).ConfigureAwait(false);
                    // A downloaded archive is unpacked only when asked (--unpack=true).
                    if (Add is { Unpack: true } && AddSources.OpenArchive(file) is { } archive)
                    {
                        await AddSources.ExtractAsync(archive, EnsureDirectoryIn(mounted.Path, absolute), cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    var name = Path.GetFileName(new Uri(url).AbsolutePath);
                    var downloaded = new CopySource(Path.GetDirectoryName(file)!, null);
                    var target = destIsDir ? absolute.TrimEnd('/') + "/" + (name.Length > 0 ? name : "index.html") : absolute;
                    copier.Copy(downloaded, Path.GetFileName(file), target, destinationIsDir: false);
                }

                // A repository's files (its subdir's, when it names one) go into the destination, a directory.
                foreach (var repository in kinds.Git)
                {
                    var checkout = await repositories.CheckoutAsync(repository, cancellationToken).ConfigureAwait(false);
                    copier.Copy(new CopySource(checkout, null), "", absolute, destinationIsDir: true);
                }

                foreach (var heredoc in sources.SourceContents)
                {
                    copier.Copy(heredocs, heredoc.Name, absolute, destIsDir);
                }
            }

            var createdBy = AddSources.Redact($"COPY {(from is null ? "" : "--from=" + from + " ")}{string.Join(' ', sources.SourcePaths)} {sources.Dest} # buildkit");
            var layer = await layers.CommitAsync(mounted, cancellationToken).ConfigureAwait(false);
            return state.WithLayer(layer, createdBy, Services.Created);
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

    /// <summary>--chmod after expansion, read as BuildKit reads it (octal, or symbolic as chmod(1) writes it); an
    /// empty value sets nothing, a bad one is BuildKit's error at this instruction.</summary>
    private ChmodSpec? ParseMode(string? chmod) =>
        string.IsNullOrEmpty(chmod) ? null
            : ChmodSpec.Parse(chmod, out var error) ?? throw Services.Error(Instruction, error!);
}
