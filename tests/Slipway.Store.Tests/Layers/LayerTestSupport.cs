using System.Formats.Tar;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Slipway.Store.Layers;

namespace Slipway.Store.Tests.Layers;

/// <summary>A temp directory holding the extraction <c>root</c> and, beside it, a <c>sentinel</c> tree that
/// hostile layers aim at. <see cref="AssertOutsideUntouched"/> proves nothing beyond the root changed.</summary>
[SupportedOSPlatform("linux")]
public sealed class Sandbox : IDisposable
{
    private readonly string _before;

    public Sandbox()
    {
        Base = Directory.CreateTempSubdirectory("slipway-layers-").FullName;
        Root = Directory.CreateDirectory(Path.Join(Base, "root")).FullName;
        Sentinel = Directory.CreateDirectory(Path.Join(Base, "sentinel")).FullName;
        File.WriteAllText(Path.Join(Sentinel, "keep"), "sentinel");
        Directory.CreateDirectory(Path.Join(Sentinel, "dir"));
        File.WriteAllText(Path.Join(Sentinel, "dir", "inner"), "inner");
        File.WriteAllText(Path.Join(Base, "x"), "beside the root");
        _before = Describe(Base, skip: Root);
    }

    public string Base { get; }

    public string Root { get; }

    public string Sentinel { get; }

    public string InRoot(string relative) => Path.Join(Root, relative);

    public void AssertOutsideUntouched() => Assert.Equal(_before, Describe(Base, skip: Root));

    public async Task<ExtractResult> ApplyAsync(TarBuilder layer, ExtractOptions? options = null) =>
        await LayerExtractor.ExtractAsync(layer.ToStream(), null, Root, options ?? new ExtractOptions(),
            TestContext.Current.CancellationToken);

    public void Dispose() => Directory.Delete(Base, recursive: true);

    /// <summary>Every path under <paramref name="dir"/> with its type, mode, owner, size, mtime, content hash
    /// and link target: equal descriptions mean equal trees.</summary>
    public static string Describe(string dir, string? skip = null)
    {
        var sb = new StringBuilder();
        foreach (var path in Walk(dir).Order(StringComparer.Ordinal))
        {
            if (skip is not null && (path == skip || path.StartsWith(skip + "/", StringComparison.Ordinal)))
            {
                continue;
            }

            var st = LayerNativeView.Stat(path);
            sb.Append(Path.GetRelativePath(dir, path)).Append(' ').Append(st);
            if (st.IsRegular)
            {
                sb.Append(" sha=").Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));
            }
            else if (st.IsSymlink)
            {
                sb.Append(" -> ").Append(new FileInfo(path).LinkTarget);
            }

            foreach (var name in LayerNativeView.Xattrs(path).Order(StringComparer.Ordinal))
            {
                sb.Append(" xattr ").Append(name).Append('=').Append(LayerNativeView.Xattr(path, name));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Every path below <paramref name="dir"/>, descending only into real directories.</summary>
    private static IEnumerable<string> Walk(string dir)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(dir))
        {
            yield return path;
            if (LayerNativeView.Stat(path).IsDirectory)
            {
                foreach (var child in Walk(path))
                {
                    yield return child;
                }
            }
        }
    }
}

/// <summary>Stat and xattr views for assertions, through the store's own interop.</summary>
[SupportedOSPlatform("linux")]
public static class LayerNativeView
{
    public static StatView Stat(string path)
    {
        var st = LayerNative.LStat(path) ?? throw new FileNotFoundException(path);
        return new StatView(st.Mode, st.Uid, st.Gid, st.IsDirectory ? 0 : st.Size, st.MTimeSeconds,
            st.RdevMajor, st.RdevMinor);
    }

    public static bool Exists(string path) => LayerNative.LStat(path) is not null;

    public static ulong Inode(string path) => LayerNative.LStat(path)!.Value.Inode;

    public static IReadOnlyList<string> Xattrs(string path) =>
        LayerNative.ListXattrs(path).Where(n => !n.StartsWith("security.selinux", StringComparison.Ordinal)).ToList();

    public static string? Xattr(string path, string name) =>
        LayerNative.GetXattr(path, name) is { } v ? Encoding.UTF8.GetString(v) : null;

    public static void SetXattr(string path, string name, string value) =>
        Assert.Equal(0, LayerNative.TrySetXattr(path, name, Encoding.UTF8.GetBytes(value)));

    public static void Chown(string path, int uid, int gid) => LayerNative.LChown(path, uid, gid);

    public static void SetMTime(string path, long seconds) =>
        LayerNative.SetTimes(path, DateTimeOffset.FromUnixTimeSeconds(seconds), DateTimeOffset.FromUnixTimeSeconds(seconds));

    public static void MkNod(string path, uint type, uint major, uint minor) =>
        LayerNative.MkNod(path, type, major, minor);

    public static bool IsRoot => LayerNative.IsRoot;
}

public readonly record struct StatView(uint Mode, uint Uid, uint Gid, long Size, long MTime, uint RdevMajor, uint RdevMinor)
{
    public bool IsRegular => (Mode & 0xF000) == 0x8000;

    public bool IsSymlink => (Mode & 0xF000) == 0xA000;

    public bool IsDirectory => (Mode & 0xF000) == 0x4000;

    public override string ToString() =>
        $"mode={Convert.ToString(Mode, 8)} uid={Uid} gid={Gid} size={Size} mtime={MTime} rdev={RdevMajor}:{RdevMinor}";
}

/// <summary>Crafts a layer tar in memory, entry by entry, exactly as written (no cleaning).</summary>
public sealed class TarBuilder
{
    private readonly MemoryStream _buffer = new();
    private readonly TarWriter _writer;

    public TarBuilder() => _writer = new TarWriter(_buffer, TarEntryFormat.Pax, leaveOpen: true);

    public TarBuilder Dir(string name, UnixFileMode mode = (UnixFileMode)0x1ED) =>
        Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode });

    public TarBuilder File(string name, string content = "layer", UnixFileMode mode = (UnixFileMode)0x1A4)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = mode,
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
        };
        return Add(entry);
    }

    public TarBuilder Symlink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target });

    public TarBuilder Hardlink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target });

    public TarBuilder Add(TarEntry entry)
    {
        entry.ModificationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        _writer.WriteEntry(entry);
        return this;
    }

    public MemoryStream ToStream()
    {
        _writer.Dispose();
        return new MemoryStream(_buffer.ToArray());
    }
}
