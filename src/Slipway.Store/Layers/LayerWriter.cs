using System.Formats.Tar;
using System.Runtime.Versioning;
using System.Text;
using Slipway.Oci;

namespace Slipway.Store.Layers;

public sealed record LayerWriteOptions
{
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>When set, no entry carries a later mtime (SOURCE_DATE_EPOCH, for reproducible layers).</summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>The directory is an overlayfs upper dir: a 0/0 character device is a whiteout
    /// (<c>.wh.name</c>) and <c>trusted.overlay.opaque=y</c> marks an opaque directory (<c>.wh..wh..opq</c>).</summary>
    public bool OverlayWhiteouts { get; init; }
}

/// <summary>The uncompressed digest (the config's diff_id), the blob's digest and size, and the layer's unpacked size
/// (<see cref="Layers.UnpackedSize"/>, what docker shows as its SIZE).</summary>
public sealed record LayerWriteResult(Digest DiffId, Digest Digest, long Size, long UnpackedSize);

/// <summary>Writes a directory as an OCI layer tar: entries in path order, numeric owners only, PAX records
/// only where ustar cannot hold a value, hardlinks found by inode, xattrs kept. Both digests are computed
/// while the bytes go out, in one pass.</summary>
[SupportedOSPlatform("linux")]
public static class LayerWriter
{
    private const int MaxUstarId = 0x1FFFFF; // 7 octal digits
    private const long MaxUstarSize = (1L << 33) - 1; // 11 octal digits

    public static async Task<LayerWriteResult> WriteAsync(
        string upperDir, Stream output, LayerWriteOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        var root = Path.GetFullPath(upperDir).TrimEnd('/');
        if (LayerNative.LStat(root) is not { IsDirectory: true })
        {
            throw new DirectoryNotFoundException($"layer source '{upperDir}' is not a directory");
        }

        // tar → hash(diffID) → compressor → hash(digest) → output, all in one pass.
        using var compressed = new HashingWriteStream(new NonClosingStream(output));
        using var uncompressed = new HashingWriteStream(
            LayerCompressionDetector.OpenCompressor(compressed, options.Compression));
        var compressor = uncompressed.Inner;
        WriteRun run;
        try
        {
            var tar = new TarWriter(uncompressed, TarEntryFormat.Ustar, leaveOpen: true);
            await using (tar.ConfigureAwait(false))
            {
                run = new WriteRun(options, tar, uncompressed);
                await run.WriteDirectoryAsync(root, string.Empty, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await compressor.DisposeAsync().ConfigureAwait(false); // writes the compression trailer
        }

        await compressed.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new LayerWriteResult(uncompressed.Digest(), compressed.Digest(), compressed.BytesWritten, run.UnpackedSize);
    }

    private sealed class WriteRun(LayerWriteOptions options, TarWriter tar, Stream raw)
    {
        private readonly Dictionary<(uint, uint, ulong), string> _firstNameOfInode = [];

        public long UnpackedSize { get; private set; }

        public async Task WriteDirectoryAsync(string hostDir, string prefix, CancellationToken cancellationToken)
        {
            var names = Directory.EnumerateFileSystemEntries(hostDir)
                .Select(p => p[(p.LastIndexOf('/') + 1)..])
                .Order(StringComparer.Ordinal)
                .ToList();
            foreach (var name in names)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var host = hostDir + "/" + name;
                var entryName = prefix + name;
                var stat = LayerNative.LStat(host);
                if (stat is not { } st)
                {
                    continue; // vanished since listing
                }

                await WriteEntryAsync(host, entryName, st, cancellationToken).ConfigureAwait(false);
                if (st.IsDirectory)
                {
                    await WriteDirectoryAsync(host, entryName + "/", cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private async Task WriteEntryAsync(string host, string name, FileStat st, CancellationToken cancellationToken)
        {
            var mtime = Clamp(st.ModificationTime);
            switch (st.Type)
            {
                case UnixFileType.Directory:
                    var xattrs = ReadXattrs(host);
                    await WriteAsync(NewEntry(TarEntryType.Directory, name + "/", st, mtime), xattrs, cancellationToken)
                        .ConfigureAwait(false);
                    if (options.OverlayWhiteouts &&
                        LayerNative.GetXattr(host, LayerExtractor.OverlayOpaqueXattr) is [(byte)'y'])
                    {
                        await WriteWhiteoutAsync(name + "/" + LayerExtractor.OpaqueMarker, mtime, cancellationToken)
                            .ConfigureAwait(false);
                    }

                    return;

                case UnixFileType.Char when options.OverlayWhiteouts && st.RdevMajor == 0 && st.RdevMinor == 0:
                    var slash = name.LastIndexOf('/') + 1;
                    await WriteWhiteoutAsync(name[..slash] + LayerExtractor.WhiteoutPrefix + name[slash..], mtime,
                        cancellationToken).ConfigureAwait(false);
                    return;

                case UnixFileType.Regular:
                    await WriteFileAsync(host, name, st, mtime, cancellationToken).ConfigureAwait(false);
                    return;

                case UnixFileType.Symlink:
                    var link = NewEntry(TarEntryType.SymbolicLink, name, st, mtime);
                    link.LinkName = new FileInfo(host).LinkTarget ?? string.Empty;
                    await WriteAsync(link, ReadXattrs(host), cancellationToken).ConfigureAwait(false);
                    return;

                case UnixFileType.Char or UnixFileType.Block:
                    var type = st.Type == UnixFileType.Char ? TarEntryType.CharacterDevice : TarEntryType.BlockDevice;
                    var device = NewEntry(type, name, st, mtime);
                    device.DeviceMajor = (int)st.RdevMajor;
                    device.DeviceMinor = (int)st.RdevMinor;
                    await WriteAsync(device, ReadXattrs(host), cancellationToken).ConfigureAwait(false);
                    return;

                case UnixFileType.Fifo:
                    await WriteAsync(NewEntry(TarEntryType.Fifo, name, st, mtime), ReadXattrs(host), cancellationToken)
                        .ConfigureAwait(false);
                    return;

                default:
                    return; // sockets cannot be archived; BuildKit leaves them out too
            }
        }

        private async Task WriteFileAsync(
            string host, string name, FileStat st, DateTimeOffset mtime, CancellationToken cancellationToken)
        {
            if (st.Nlink > 1)
            {
                var key = (st.DevMajor, st.DevMinor, st.Inode);
                if (_firstNameOfInode.TryGetValue(key, out var first))
                {
                    var hardlink = NewEntry(TarEntryType.HardLink, name, st, mtime);
                    hardlink.LinkName = first;
                    await WriteAsync(hardlink, null, cancellationToken).ConfigureAwait(false);
                    return;
                }

                _firstNameOfInode[key] = name;
            }

            var xattrs = ReadXattrs(host);
            // A bare open(2): opening by path through FileStream adds fstatfs and flock per file.
            var data = new FileStream(LayerNative.OpenReadNoFollow(host), FileAccess.Read, bufferSize: 0);
            await using (data.ConfigureAwait(false))
            {
                TarEntry entry;
                if (data.Length > MaxUstarSize)
                {
                    // Rare enough that the PID-named PAX header of System.Formats.Tar is acceptable here.
                    var records = xattrs?.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value)) ?? [];
                    entry = new PaxTarEntry(TarEntryType.RegularFile, name, records);
                    Fill(entry, st, mtime);
                    xattrs = null;
                }
                else
                {
                    entry = NewEntry(TarEntryType.RegularFile, name, st, mtime);
                }

                entry.DataStream = data;
                await WriteAsync(entry, xattrs, cancellationToken).ConfigureAwait(false);
            }
        }

        private Task WriteWhiteoutAsync(string name, DateTimeOffset mtime, CancellationToken cancellationToken)
        {
            var entry = new UstarTarEntry(TarEntryType.RegularFile, name) { ModificationTime = mtime, Mode = 0 };
            return WriteAsync(entry, null, cancellationToken);
        }

        /// <summary>Writes our own deterministic PAX header when a value does not fit ustar, then the entry.</summary>
        private async Task WriteAsync(
            TarEntry entry, SortedDictionary<string, byte[]>? records, CancellationToken cancellationToken)
        {
            UnpackedSize += Layers.UnpackedSize.Of(entry); // before a long link target is cut for ustar
            records ??= new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
            if (!PaxHeader.IsUstarSafe(entry.Name, 100))
            {
                records["path"] = Encoding.UTF8.GetBytes(entry.Name);
                entry.Name = PaxHeader.UstarSafe(entry.Name, 100);
            }

            if (!PaxHeader.IsUstarSafe(entry.LinkName, 100))
            {
                records["linkpath"] = Encoding.UTF8.GetBytes(entry.LinkName);
                entry.LinkName = PaxHeader.UstarSafe(entry.LinkName, 100);
            }

            if (entry.Uid > MaxUstarId)
            {
                records["uid"] = Encoding.ASCII.GetBytes(entry.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture));
                entry.Uid = 0;
            }

            if (entry.Gid > MaxUstarId)
            {
                records["gid"] = Encoding.ASCII.GetBytes(entry.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture));
                entry.Gid = 0;
            }

            if (records.Count > 0 && entry is not PaxTarEntry)
            {
                var fullName = records.TryGetValue("path", out var p) ? Encoding.UTF8.GetString(p) : entry.Name;
                await PaxHeader.WriteAsync(raw, fullName, records, cancellationToken).ConfigureAwait(false);
            }

            await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        private static UstarTarEntry NewEntry(TarEntryType type, string name, FileStat st, DateTimeOffset mtime)
        {
            var entry = new UstarTarEntry(type, name);
            Fill(entry, st, mtime);
            return entry;
        }

        private static void Fill(TarEntry entry, FileStat st, DateTimeOffset mtime)
        {
            entry.Mode = (UnixFileMode)(st.Mode & 0xFFF);
            entry.Uid = (int)st.Uid;
            entry.Gid = (int)st.Gid;
            entry.ModificationTime = mtime;
        }

        private DateTimeOffset Clamp(DateTimeOffset mtime)
        {
            var seconds = DateTimeOffset.FromUnixTimeSeconds(mtime.ToUnixTimeSeconds());
            return options.SourceDateEpoch is { } epoch && seconds > epoch ? epoch : seconds;
        }

        /// <summary>Extended attributes worth carrying in a layer: not overlayfs bookkeeping, and of the
        /// security namespace only file capabilities (host labels do not travel).</summary>
        private static SortedDictionary<string, byte[]>? ReadXattrs(string host)
        {
            SortedDictionary<string, byte[]>? records = null;
            foreach (var name in LayerNative.ListXattrs(host))
            {
                if (name.StartsWith("trusted.overlay.", StringComparison.Ordinal) ||
                    (name.StartsWith("security.", StringComparison.Ordinal) && name != "security.capability"))
                {
                    continue;
                }

                if (LayerNative.GetXattr(host, name) is { } value)
                {
                    records ??= new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
                    records["SCHILY.xattr." + name] = value;
                }
            }

            return records;
        }
    }
}
