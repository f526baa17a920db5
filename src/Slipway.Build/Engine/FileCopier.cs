using System.Security.Cryptography;
using Slipway.Build.Context;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;
using Slipway.Store.Layers;

namespace Slipway.Build.Engine;

/// <summary>A root that COPY reads from: the build context (with its .dockerignore) or another stage's or
/// image's filesystem. Every source path is resolved inside it; nothing outside is ever read. File contents are
/// hashed through <paramref name="index"/> when given, so unchanged files are not read again.</summary>
public sealed class CopySource(string root, PatternMatcher? ignore, ContentIndex? index = null)
{
    public string Root { get; } = Path.GetFullPath(root);

    private readonly RootResolver _resolver = new(root);

    private bool Ignored(string rel) => ignore is not null && rel.Length > 0 && ignore.MatchesOrParentMatches(rel);

    /// <summary>The matches of one COPY source (wildcards allowed), as paths relative to the root; an error
    /// naming the source when nothing matches, as BuildKit words it.</summary>
    public List<string> Expand(string source)
    {
        var components = RootResolver.Clean(source);
        var matches = new List<string> { "" };
        foreach (var component in components)
        {
            var next = new List<string>();
            foreach (var prefix in matches)
            {
                if (component.AsSpan().IndexOfAny("*?[\\") < 0)
                {
                    next.Add(Join(prefix, component));
                    continue;
                }

                var dir = _resolver.Resolve(RootResolver.Clean(prefix), followFinal: true);
                if (!Directory.Exists(dir))
                {
                    continue;
                }

                foreach (var name in Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal))
                {
                    if (GoPath.Match(component, name!, out var bad) && !bad)
                    {
                        next.Add(Join(prefix, name!));
                    }
                }
            }

            matches = next;
        }

        var existing = matches.Where(m => !Ignored(m) && LayerNative.LStat(HostPath(m, followFinal: true)) is not null).ToList();
        if (existing.Count == 0)
        {
            throw new BuildException($"failed to compute cache key: failed to calculate checksum: \"/{string.Join('/', components)}\": not found");
        }

        return existing;
    }

    public string HostPath(string rel, bool followFinal) => _resolver.Resolve(RootResolver.Clean(rel), followFinal);

    /// <summary>Fingerprints what a copy of <paramref name="rel"/> would bring in, entry by entry: path, type, mode,
    /// owner, link target and content digest, so that any change to them changes the cache key and can be named.
    /// The source itself, when a directory, counts only as being there: COPY takes its contents, not its mode.</summary>
    public void Fingerprint(string rel, Action<string, string> add)
    {
        ArgumentNullException.ThrowIfNull(add);
        var host = HostPath(rel, followFinal: true);
        FingerprintEntry(rel, host, add, top: true);
    }

    private void FingerprintEntry(string rel, string host, Action<string, string> add, bool top = false,
        (FileStat? Stat, byte[]? Digest)? known = null)
    {
        var (stat, digest) = known ?? (LayerNative.LStat(host), null);
        if (stat is not { } s)
        {
            return;
        }

        var mode = s.Mode & 0xFFF;
        if (s.IsSymlink)
        {
            add(rel, new FileFingerprint('l', mode, s.Uid, s.Gid, new FileInfo(host).LinkTarget ?? "").ToString());
        }
        else if (s.IsRegular)
        {
            var content = Convert.ToHexStringLower(digest ?? ContentDigest(host, s));
            add(rel, new FileFingerprint('f', mode, s.Uid, s.Gid, content).ToString());
        }
        else if (s.IsDirectory)
        {
            add(rel, top ? "d" : new FileFingerprint('d', mode, s.Uid, s.Gid, "").ToString());
            var children = ContextWalker.Children(host, rel, ignore);
            var facts = HashChildren(host, children);
            for (var i = 0; i < children.Count; i++)
            {
                FingerprintEntry(Join(rel, children[i]), Path.Join(host, children[i]), add, known: facts[i]);
            }
        }
        else
        {
            add(rel, new FileFingerprint('o', mode, s.Uid, s.Gid, "").ToString());
        }
    }

    /// <summary>lstat and, for regular files, the content digest of a directory's children, on every core: the
    /// cold hash of a large context is otherwise one thread reading and hashing file after file. The results
    /// are used in name order, so the fingerprint does not change.</summary>
    private (FileStat? Stat, byte[]? Digest)[] HashChildren(string hostDir, List<string> children)
    {
        var facts = new (FileStat? Stat, byte[]? Digest)[children.Count];
        try
        {
            Parallel.For(0, children.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                var path = Path.Join(hostDir, children[i]);
                var stat = LayerNative.LStat(path);
                facts[i] = (stat, stat is { IsRegular: true } s ? ContentDigest(path, s) : null);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // The error a sequential walk would have met, not a wrapper around it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }

        return facts;
    }

    internal PatternMatcher? Ignore => ignore;

    private byte[] ContentDigest(string host, in FileStat stat)
    {
        if (index is not null)
        {
            return index.ContentDigest(host, stat);
        }

        return FileDigest.Sha256(host);
    }

    internal static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "/" + name;
}

/// <summary>COPY's file semantics (Docker's): a directory's contents go into the destination, a file goes to the
/// destination or into it when it ends in <c>/</c> or is a directory; owners from <c>--chown</c> (root by
/// default), modes kept unless <c>--chmod</c> (octal: that mode; symbolic: applied to each source entry's mode),
/// modification times kept, symlinks copied as links. Writes are
/// resolved inside the destination root, so a destination that is a symlink to <c>/etc</c> lands in the
/// root's own <c>/etc</c>.</summary>
public sealed class FileCopier(string destinationRoot, uint uid, uint gid, ChmodSpec? chmod, PatternMatcher? exclude = null)
{
    private readonly RootResolver _dest = new(destinationRoot);

    private string _excludeBase = "";

    public void Copy(CopySource source, string rel, string destination, bool destinationIsDir)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(rel);
        // --exclude patterns apply to paths relative to the source being copied.
        _excludeBase = rel;
        var host = source.HostPath(rel, followFinal: true);
        var stat = LayerNative.LStat(host) ?? throw new BuildException($"\"/{rel}\": not found");
        var destComponents = RootResolver.Clean(destination);
        if (stat.IsDirectory)
        {
            EnsureDirectory(destComponents);
            CopyChildren(source, rel, host, destComponents);
            return;
        }

        // An existing directory (or a link to one) takes the file inside, as in Docker: `COPY app.jar /opt`.
        // The name is the source's as written, not its symlink target's.
        if (destinationIsDir || LayerNative.LStat(_dest.Resolve(destComponents, followFinal: true)) is { IsDirectory: true })
        {
            EnsureDirectory(destComponents);
            destComponents = [.. destComponents, Path.GetFileName(rel.TrimEnd('/'))];
        }

        CopyEntry(source, rel, host, destComponents);
    }

    private void CopyChildren(CopySource source, string rel, string hostDir, List<string> destComponents)
    {
        var files = new List<(string Name, FileStat Stat)>();
        foreach (var name in ContextWalker.Children(hostDir, rel, source.Ignore))
        {
            var childRel = CopySource.Join(rel, name);
            if (Excluded(childRel) || LayerNative.LStat(Path.Join(hostDir, name)) is not { } stat)
            {
                continue;
            }

            if (stat.IsDirectory)
            {
                CopyEntry(source, childRel, Path.Join(hostDir, name), [.. destComponents, name], stat);
            }
            else
            {
                files.Add((name, stat));
            }
        }

        // A directory's files land on distinct names under one parent that already exists, so they are copied
        // on every core; subdirectories stay in order above, one at a time.
        try
        {
            Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, file =>
                CopyEntry(source, CopySource.Join(rel, file.Name), Path.Join(hostDir, file.Name), [.. destComponents, file.Name], file.Stat));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>Copies one entry; <paramref name="known"/> is the source's lstat when the caller just took it (a
    /// directory listing), so it is not taken twice.</summary>
    private void CopyEntry(CopySource source, string rel, string host, List<string> destComponents, FileStat? known = null)
    {
        var stat = known ?? LayerNative.LStat(host);
        if (stat is not { } s)
        {
            return;
        }

        // Cleaned components: the final name goes on the resolved parent as it is (never followed).
        var target = _dest.EnsureParent(destComponents) + "/" + destComponents[^1];
        var existing = LayerNative.LStat(target);
        if (s.IsDirectory)
        {
            if (existing is { IsDirectory: false })
            {
                File.Delete(target);
            }

            Directory.CreateDirectory(target);
            CopyChildren(source, rel, host, destComponents);
            Finish(target, s);
            return;
        }

        if (existing is { IsDirectory: true })
        {
            Directory.Delete(target, true);
        }
        else if (existing is not null)
        {
            File.Delete(target);
        }

        if (s.IsSymlink)
        {
            File.CreateSymbolicLink(target, new FileInfo(host).LinkTarget!);
            LayerNative.LChown(target, (int)uid, (int)gid);
            LayerNative.SetTimes(target, s.ModificationTime, s.ModificationTime);
            return;
        }

        if (!s.IsRegular)
        {
            return;
        }

        // Bare descriptors and an in-kernel copy: a large context is tens of thousands of small files, where
        // FileStream's per-file fstat/fstatfs/flock/lseek and a copy through user space cost more than the data.
        using (var input = LayerNative.OpenReadNoFollow(host))
        using (var output = LayerNative.CreateNewFile(target, UnixFileMode.UserRead | UnixFileMode.UserWrite))
        {
            LayerNative.CopyData(input, output, target);
        }

        Finish(target, s);
    }

    private bool Excluded(string rel)
    {
        if (exclude is null)
        {
            return false;
        }

        var relative = _excludeBase.Length == 0 ? rel : rel.Length > _excludeBase.Length ? rel[(_excludeBase.Length + 1)..] : Path.GetFileName(rel);
        return exclude.MatchesOrParentMatches(relative);
    }

    /// <summary>Whether a matched source itself is excluded (a file a wildcard named).</summary>
    public bool ExcludesSource(string rel) =>
        exclude is not null && (exclude.MatchesOrParentMatches(Path.GetFileName(rel)) || exclude.MatchesOrParentMatches(rel));

    private void EnsureDirectory(List<string> components)
    {
        if (components.Count == 0)
        {
            return;
        }

        _dest.EnsureParent(components);
        var path = _dest.Resolve(components, followFinal: true);
        if (LayerNative.LStat(path) is null)
        {
            Directory.CreateDirectory(path);
            LayerNative.LChown(path, (int)uid, (int)gid);
        }
    }

    private void Finish(string path, FileStat source)
    {
        var mode = chmod?.Apply(source.Mode & 0xFFF, source.IsDirectory) ?? (source.Mode & 0xFFF);
        File.SetUnixFileMode(path, (UnixFileMode)(mode & 0x1FF));
        LayerNative.LChown(path, (int)uid, (int)gid);
        if ((mode & 0xE00) != 0)
        {
            // Special bits (setuid, setgid, sticky) after chown, which clears them.
            File.SetUnixFileMode(path, (UnixFileMode)mode);
        }

        LayerNative.SetTimes(path, source.ModificationTime, source.ModificationTime);
    }

    /// <summary>Adds every entry a list of sources brings in to a step's inputs, for the cache key.</summary>
    public static void Fingerprint(CopySource source, IEnumerable<string> rels, StepInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(rels);
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var rel in rels)
        {
            source.Fingerprint(rel, inputs.AddFile);
        }
    }
}
