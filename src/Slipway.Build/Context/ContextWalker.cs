using System.IO.Enumeration;
using Slipway.Store.Layers;

namespace Slipway.Build.Context;

public enum ContextEntryType
{
    File,
    Directory,
    Symlink,
}

/// <summary>One entry the build can see: a slash-separated path relative to the context root.</summary>
public sealed record ContextEntry(string Path, ContextEntryType Type, string FullPath);

/// <summary>Walks a context directory the way BuildKit's file sync (fsutil) sends it: lexical order, symlinks
/// never followed, excluded files never opened, and an excluded directory still walked (and sent) when an
/// exception pattern may re-include something below it.</summary>
public static class ContextWalker
{
    public static IEnumerable<ContextEntry> Walk(string root, PatternMatcher ignore)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(ignore);
        var pending = new List<ContextEntry>();
        return WalkDirectory(root, string.Empty, ignore, pending);
    }

    private static IEnumerable<ContextEntry> WalkDirectory(string dir, string relDir, PatternMatcher ignore, List<ContextEntry> pending)
    {
        var children = new DirectoryInfo(dir).EnumerateFileSystemInfos()
            .Select(i => i.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var name in children)
        {
            var rel = relDir.Length == 0 ? name : relDir + "/" + name;
            var full = Path.Join(dir, name);
            var info = new FileInfo(full);
            var type = Classify(info);
            var excluded = ignore.MatchesOrParentMatches(rel);
            var entry = new ContextEntry(rel, type, full);
            if (type == ContextEntryType.Directory)
            {
                if (excluded && !ignore.ExceptionMayMatchBelow(rel))
                {
                    continue;
                }

                if (excluded)
                {
                    // Sent only if something below it is re-included.
                    pending.Add(entry);
                }
                else
                {
                    foreach (var p in Flush(pending))
                    {
                        yield return p;
                    }

                    yield return entry;
                }

                foreach (var child in WalkDirectory(full, rel, ignore, pending))
                {
                    yield return child;
                }

                if (pending.Count > 0 && ReferenceEquals(pending[^1], entry))
                {
                    pending.RemoveAt(pending.Count - 1);
                }

                continue;
            }

            if (excluded)
            {
                continue;
            }

            foreach (var p in Flush(pending))
            {
                yield return p;
            }

            yield return entry;
        }
    }

    /// <summary>The names in <paramref name="hostDir"/> (the context directory <paramref name="relDir"/>) that a
    /// copy of it sends, in ordinal order: what .dockerignore excludes is left out, except a directory below which
    /// an exception pattern may re-include something. The caller has walked only into visible directories, so
    /// without exception patterns a child is excluded exactly when a pattern matches its own path, and no parent
    /// needs checking again.</summary>
    public static List<string> Children(string hostDir, string relDir, PatternMatcher? ignore)
    {
        ArgumentNullException.ThrowIfNull(hostDir);
        ArgumentNullException.ThrowIfNull(relDir);
        var names = new List<string>(new FileSystemEnumerable<string>(hostDir, static (ref FileSystemEntry e) => e.FileName.ToString(), Enumerate));
        names.Sort(StringComparer.Ordinal);
        if (ignore is null || ignore.Patterns.Count == 0)
        {
            return names;
        }

        names.RemoveAll(name =>
        {
            var rel = relDir.Length == 0 ? name : relDir + "/" + name;
            if (!(ignore.HasExceptions ? ignore.MatchesOrParentMatches(rel) : ignore.MatchesSelf(rel)))
            {
                return false;
            }

            // An excluded directory is entered only when an exception may re-include something below it.
            return !(ignore.HasExceptions && ignore.ExceptionMayMatchBelow(rel)
                && LayerNative.LStat(Path.Join(hostDir, name)) is { IsDirectory: true });
        });
        return names;
    }

    private static readonly EnumerationOptions Enumerate = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private static List<ContextEntry> Flush(List<ContextEntry> pending)
    {
        var copy = pending.ToList();
        pending.Clear();
        return copy;
    }

    private static ContextEntryType Classify(FileInfo info)
    {
        if (info.LinkTarget is not null)
        {
            return ContextEntryType.Symlink;
        }

        return (info.Attributes & FileAttributes.Directory) != 0 ? ContextEntryType.Directory : ContextEntryType.File;
    }
}

/// <summary>Finds the ignore file for a build: <c>&lt;Dockerfile&gt;.dockerignore</c> next to the Dockerfile wins
/// over the context's <c>.dockerignore</c>, as in BuildKit.</summary>
public static class ContextIgnore
{
    public static string? Locate(string contextDir, string? dockerfilePath)
    {
        ArgumentNullException.ThrowIfNull(contextDir);
        if (!string.IsNullOrEmpty(dockerfilePath) && dockerfilePath != "-")
        {
            var specific = dockerfilePath + ".dockerignore";
            if (File.Exists(specific))
            {
                return specific;
            }
        }

        var general = Path.Join(contextDir, ".dockerignore");
        return File.Exists(general) ? general : null;
    }

    /// <summary>The matcher for a build, or an error value for a malformed pattern.</summary>
    public static PatternMatcher? Load(string contextDir, string? dockerfilePath, out string? error)
    {
        var ignore = Read(contextDir, dockerfilePath);
        error = ignore.Error;
        return ignore.Matcher;
    }

    /// <summary>Locates and reads the ignore file once, for everything a build asks of it.</summary>
    public static DockerIgnore Read(string contextDir, string? dockerfilePath)
    {
        var file = Locate(contextDir, dockerfilePath);
        if (file is null)
        {
            return new DockerIgnore(null, PatternMatcher.Empty, null);
        }

        var matcher = PatternMatcher.Create(IgnoreFile.Parse(File.ReadAllText(file)), out var error);
        return new DockerIgnore(file, matcher, matcher is null ? $"failed to parse {Path.GetFileName(file)}: {error}" : null);
    }
}
