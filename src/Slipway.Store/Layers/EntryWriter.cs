using System.Formats.Tar;
using System.Runtime.Versioning;
using System.Text;

namespace Slipway.Store.Layers;

/// <summary>Creates one tar entry at a host path already resolved inside the root (and already cleared),
/// then applies owner, xattrs, mode and times to the path itself.</summary>
[SupportedOSPlatform("linux")]
internal sealed class EntryWriter(bool preserveOwnership, bool privileged)
{
    private const string XattrPrefix = "SCHILY.xattr.";
    private const int EPERM = 1;
    private const int EOPNOTSUPP = 95;

    private const UnixFileMode NewFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public List<string> Warnings { get; } = [];

    /// <summary>See <see cref="ExtractOptions.DeviceNodes"/>.</summary>
    public bool DeviceNodes { get; init; } = true;

    public int Files { get; private set; }

    public int Directories { get; private set; }

    public int Symlinks { get; private set; }

    public int Hardlinks { get; private set; }

    public int SpecialFiles { get; private set; }

    /// <summary>Returns false when the entry was skipped (with a warning). <paramref name="exists"/> says whether
    /// something is at <paramref name="target"/> (only a directory can be, the caller cleared anything else).</summary>
    public bool Create(TarEntry entry, string target, bool exists, RootResolver resolver, byte[] buffer)
    {
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                if (!exists)
                {
                    LayerNative.MkDir(target, NewFileMode | UnixFileMode.UserExecute);
                }

                Directories++;
                break;

            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                WriteFile(entry, target, buffer);
                Files++;
                break;

            case TarEntryType.SymbolicLink:
                // The target is stored exactly as written: absolute and `..` links are legitimate in images.
                // Only where writes land is constrained, and that happens when a path is resolved.
                File.CreateSymbolicLink(target, entry.LinkName);
                Symlinks++;
                break;

            case TarEntryType.HardLink:
                LayerNative.Link(ResolveHardlinkTarget(entry, resolver), target);
                Hardlinks++;
                return true; // the inode already carries its metadata

            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                if (!DeviceNodes)
                {
                    Warnings.Add($"layer entry '{entry.Name}': device node skipped (not written outside an image)");
                    return false;
                }

                if (!privileged)
                {
                    Warnings.Add($"layer entry '{entry.Name}': device node skipped (needs root)");
                    return false;
                }

                var type = entry.EntryType == TarEntryType.CharacterDevice ? UnixFileType.Char : UnixFileType.Block;
                LayerNative.MkNod(target, type | (uint)entry.Mode, (uint)entry.DeviceMajor(), (uint)entry.DeviceMinor());
                SpecialFiles++;
                break;

            case TarEntryType.Fifo:
                LayerNative.MkNod(target, UnixFileType.Fifo | (uint)entry.Mode, 0, 0);
                SpecialFiles++;
                break;

            default:
                throw new LayerExtractionException(
                    $"unsupported tar entry type {entry.EntryType}");
        }

        ApplyMetadata(entry, target);
        return true;
    }

    private static void WriteFile(TarEntry entry, string target, byte[] buffer)
    {
        using var output = LayerNative.CreateNewFile(target, NewFileMode);
        if (entry.DataStream is not { } data)
        {
            return;
        }

        // Fill the whole buffer before each write: inflate hands out a few KB at a time.
        while (true)
        {
            var n = data.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (n == 0)
            {
                return;
            }

            LayerNative.WriteAll(output, buffer.AsSpan(0, n), target);
            if (n < buffer.Length)
            {
                return;
            }
        }
    }

    /// <summary>A hardlink names a path that this or an earlier layer already put in the root. Its parent is
    /// resolved inside the root; its last component is not followed (link(2) links a symlink itself).</summary>
    private static string ResolveHardlinkTarget(TarEntry entry, RootResolver resolver)
    {
        var components = RootResolver.Clean(entry.LinkName);
        if (components.Count == 0)
        {
            throw new LayerExtractionException(
                $"hardlink to '{entry.LinkName}' does not name a file in the layer");
        }

        var source = resolver.Resolve(components, followFinal: false);
        var stat = LayerNative.LStat(source);
        if (stat is null)
        {
            throw new LayerExtractionException(
                $"hardlink target '{entry.LinkName}' does not exist in the root");
        }

        if (stat.Value.IsDirectory)
        {
            throw new LayerExtractionException(
                $"hardlink target '{entry.LinkName}' is a directory");
        }

        return source;
    }

    private void ApplyMetadata(TarEntry entry, string target)
    {
        var isLink = entry.EntryType == TarEntryType.SymbolicLink;
        if (preserveOwnership)
        {
            LayerNative.LChown(target, entry.Uid, entry.Gid);
        }

        if (entry is PaxTarEntry pax)
        {
            ApplyXattrs(entry, pax.ExtendedAttributes, target, isLink);
        }

        // After chown, which clears setuid/setgid. Symlinks have no mode of their own on Linux.
        if (!isLink)
        {
            File.SetUnixFileMode(target, entry.Mode);
        }

        if (entry.EntryType != TarEntryType.Directory)
        {
            LayerNative.SetTimes(target, entry.ModificationTime, entry.ModificationTime);
        }
    }

    private void ApplyXattrs(TarEntry entry, IReadOnlyDictionary<string, string> records, string target, bool isLink)
    {
        foreach (var (key, value) in records)
        {
            if (!key.StartsWith(XattrPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = key[XattrPrefix.Length..];
            var reason = Refusal(name, value, isLink);
            if (reason is not null)
            {
                Warnings.Add($"layer entry '{entry.Name}': xattr '{name}' ignored: {reason}");
                continue;
            }

            var errno = LayerNative.TrySetXattr(target, name, Encoding.UTF8.GetBytes(value));
            if (errno is EPERM or EOPNOTSUPP)
            {
                Warnings.Add($"layer entry '{entry.Name}': xattr '{name}' not set: errno {errno}");
            }
            else if (errno != 0)
            {
                throw LayerNative.Error(errno, $"setxattr {name}", target);
            }
        }
    }

    /// <summary>Why an xattr from a layer is not applied, or null to apply it.</summary>
    private string? Refusal(string name, string value, bool isLink)
    {
        if (name.StartsWith("trusted.overlay.", StringComparison.Ordinal))
        {
            return "overlayfs metadata comes from whiteouts, never from a layer's own xattrs";
        }

        if (name.StartsWith("security.", StringComparison.Ordinal) && name != "security.capability")
        {
            return "security labels belong to the host, not the image";
        }

        if (name.StartsWith("trusted.", StringComparison.Ordinal) && !privileged)
        {
            return "trusted.* needs root";
        }

        if (isLink && name.StartsWith("user.", StringComparison.Ordinal))
        {
            return "Linux allows no user.* xattrs on symlinks";
        }

        // System.Formats.Tar decodes PAX values as UTF-8; a binary value arrives damaged and must not be set.
        return value.Contains('\uFFFD', StringComparison.Ordinal) ? "binary value could not be read intact" : null;
    }
}

internal static class TarEntryDevice
{
    public static int DeviceMajor(this TarEntry entry) => entry is PosixTarEntry p ? p.DeviceMajor : 0;

    public static int DeviceMinor(this TarEntry entry) => entry is PosixTarEntry p ? p.DeviceMinor : 0;
}
