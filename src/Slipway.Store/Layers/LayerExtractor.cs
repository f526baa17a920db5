using System.Formats.Tar;
using System.Runtime.Versioning;
using Slipway.Oci;

namespace Slipway.Store.Layers;

/// <summary>Applies an OCI layer (a tar changeset, optionally gzip or zstd) onto a directory. Streams the
/// layer; resolves every path inside the root one component at a time (see <see cref="RootResolver"/>), so
/// no entry, symlink, hardlink or whiteout can write or remove anything outside it.</summary>
[SupportedOSPlatform("linux")]
public static class LayerExtractor
{
    internal const string WhiteoutPrefix = Whiteouts.Prefix;
    internal const string WhiteoutMetaPrefix = Whiteouts.MetaPrefix;
    internal const string OpaqueMarker = Whiteouts.OpaqueMarker;
    internal const string OverlayOpaqueXattr = "trusted.overlay.opaque";

    /// <summary>The read size for the compressed input and the write size for file data.</summary>
    private const int BufferSize = 1 << 20;

    /// <summary>Runs on a thread of its own with synchronous I/O: inflating and writing tens of thousands of files
    /// is a tight loop of small reads and syscalls, and a thread-pool hop per read or write costs more than the
    /// work itself. Several layers can be extracted at once, each on its own thread.</summary>
    public static Task<ExtractResult> ExtractAsync(
        Stream layer,
        string? mediaTypeOrNull,
        string rootDir,
        ExtractOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(options);
        return Task.Factory.StartNew(
            () => Extract(layer, mediaTypeOrNull, rootDir, options, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>The extraction itself, on the caller's thread; <see cref="ExtractAsync"/> checked the arguments.</summary>
    internal static ExtractResult Extract(Stream layer, string? mediaTypeOrNull, string rootDir, ExtractOptions options,
        CancellationToken cancellationToken = default)
    {
        if (LayerNative.LStat(Path.GetFullPath(rootDir)) is not { IsDirectory: true })
        {
            throw new LayerExtractionException($"extraction root '{rootDir}' is not a directory");
        }

        var run = new ExtractionRun(new RootResolver(rootDir), options);
        var counted = new CountingReadStream(new BufferedStream(layer, BufferSize));
        var (tar, compression) = LayerCompressionDetector.Open(counted);
        var declared = LayerCompressionDetector.FromMediaType(mediaTypeOrNull);
        if (declared is { } d && d != compression)
        {
            run.Warn($"media type '{mediaTypeOrNull}' says {d} but the content is {compression}; used {compression}");
        }

        using var uncompressed = new HashingReadStream(tar);
        long unpacked = 0;
        using (tar)
        {
            using var reader = TarMetadataLimit.Reader(uncompressed);
            string? previous = null;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                TarEntry? entry;
                try
                {
                    entry = reader.GetNextEntry(copyData: false);
                }
                // System.Formats.Tar also throws these for impossible header numbers (sizes, times).
                catch (Exception e) when (IsCorrupt(e) || e is InvalidOperationException or OverflowException or ArgumentException)
                {
                    var where = previous is null ? string.Empty : $" (after entry '{previous}')";
                    throw new LayerExtractionException($"layer is not a valid tar archive{where}: {ErrorText.Describe(e)}", e);
                }

                if (entry is null)
                {
                    break;
                }

                previous = entry.Name;
                unpacked += UnpackedSize.Of(entry);

                try
                {
                    run.Apply(entry);
                }
                catch (Exception e) when (IsCorrupt(e) || e is IOException or StoreException or UnauthorizedAccessException or
                                              ArgumentException or LayerExtractionException)
                {
                    throw new LayerExtractionException($"layer entry '{entry.Name}': {ErrorText.Describe(e)}", e);
                }
            }

            // The diffID covers the whole uncompressed stream (padding after the end-of-archive blocks included),
            // and the decompressor checks a gzip member's CRC-32 and length, or a zstd frame's checksum, only
            // when it reaches the trailer: read both streams to their end, or neither check happens.
            try
            {
                Drain(uncompressed, cancellationToken);
                Drain(counted, cancellationToken);
            }
            catch (Exception e) when (IsCorrupt(e))
            {
                throw new LayerExtractionException($"layer is corrupt after its last entry: {ErrorText.Describe(e)}", e);
            }
        }

        run.ApplyDirectoryTimes();
        return run.Result(compression, uncompressed.Digest(), uncompressed.BytesRead, counted.BytesRead) with { UnpackedBytes = unpacked };
    }

    private static void Drain(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (stream.Read(buffer) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>A damaged archive or compressed stream, found while reading headers or file data.</summary>
    private static bool IsCorrupt(Exception e) =>
        e is InvalidDataException or FormatException or EndOfStreamException or ZstdSharp.ZstdException;

    /// <summary>The state of one extraction: nothing here outlives the call.</summary>
    private sealed class ExtractionRun(RootResolver resolver, ExtractOptions options)
    {
        private readonly EntryWriter _writer = new(
            options.PreserveOwnership ?? LayerNative.IsRoot,
            options.Privileged ?? LayerNative.IsRoot)
        {
            DeviceNodes = options.DeviceNodes,
        };

        private readonly HashSet<string> _unpacked = new(StringComparer.Ordinal);
        private readonly List<(List<string> Components, DateTimeOffset MTime)> _directories = [];
        private int _entries;
        private int _whiteouts;
        private int _skipped;
        private byte[]? _buffer;

        public void Warn(string message) => _writer.Warnings.Add(message);

        public void Apply(TarEntry entry)
        {
            _entries++;
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
            {
                _skipped++;
                return;
            }

            var components = RootResolver.Clean(entry.Name);
            if (components.Count == 0)
            {
                _skipped++; // the root itself: its metadata belongs to the snapshot, not the layer
                return;
            }

            // AUFS bookkeeping (.wh..wh.plnk/…, .wh..wh.aufs) is not content; in a plain archive it is.
            var layer = options.Whiteouts != WhiteoutMode.Literal;
            if (layer && components[0].StartsWith(WhiteoutMetaPrefix, StringComparison.Ordinal) &&
                !(components.Count == 1 && components[0] == OpaqueMarker))
            {
                _skipped++;
                Warn($"layer entry '{entry.Name}': AUFS metadata entry ignored");
                return;
            }

            var baseName = components[^1];
            if (layer && baseName.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                ApplyWhiteout(entry, components, baseName);
                return;
            }

            var parent = resolver.EnsureParent(components);
            var target = parent + "/" + baseName;

            // Replace whatever is there (never write through it), except a directory merging into a directory.
            var existing = LayerNative.LStat(target);
            var merge = existing is { IsDirectory: true } && entry.EntryType == TarEntryType.Directory;
            if (existing is not null && !merge)
            {
                FileTree.RemoveTree(target);
            }

            _buffer ??= new byte[BufferSize];
            if (_writer.Create(entry, target, merge, resolver, _buffer))
            {
                MarkUnpacked(target);
                if (entry.EntryType == TarEntryType.Directory)
                {
                    _directories.Add((components, entry.ModificationTime));
                }
            }
            else
            {
                _skipped++;
            }
        }

        private void ApplyWhiteout(TarEntry entry, List<string> components, string baseName)
        {
            if (baseName != OpaqueMarker && baseName.StartsWith(WhiteoutMetaPrefix, StringComparison.Ordinal))
            {
                _skipped++;
                Warn($"layer entry '{entry.Name}': AUFS metadata entry ignored");
                return;
            }

            _whiteouts++;
            var overlay = options.Whiteouts == WhiteoutMode.OverlaySnapshot;

            // Applying onto lower layers creates nothing for a whiteout; an overlay snapshot needs the directory.
            string ParentDir() => overlay
                ? resolver.EnsureParent(components)
                : resolver.Resolve(components.Take(components.Count - 1).ToList(), followFinal: true);

            if (baseName == OpaqueMarker)
            {
                var dir = ParentDir();
                if (overlay)
                {
                    var errno = LayerNative.TrySetXattr(dir, OverlayOpaqueXattr, "y"u8);
                    if (errno != 0)
                    {
                        throw LayerNative.Error(errno, "set opaque xattr", dir);
                    }
                }
                else if (LayerNative.LStat(dir) is { IsDirectory: true })
                {
                    FileTree.RemoveChildren(dir, _unpacked);
                }

                return;
            }

            var name = baseName[WhiteoutPrefix.Length..];
            if (name.Length == 0 || name == "." || name == ".." || name.Contains('/', StringComparison.Ordinal) ||
                name.Contains('\0', StringComparison.Ordinal))
            {
                throw new LayerExtractionException(
                    $"invalid whiteout: it must name one entry of its directory, not '{name}'");
            }

            var victim = ParentDir() + "/" + name;
            if (overlay)
            {
                FileTree.RemoveTree(victim);
                LayerNative.MkNod(victim, UnixFileType.Char, 0, 0);
                // The whiteout's own time, as every other entry gets: the same layer makes the same snapshot.
                LayerNative.SetTimes(victim, entry.ModificationTime, entry.ModificationTime);
                MarkUnpacked(victim);
            }
            else
            {
                FileTree.RemoveTree(victim);
            }
        }

        private void MarkUnpacked(string hostPath)
        {
            // Parents too, so an opaque marker later in the layer keeps the directories leading to new entries.
            for (var p = hostPath; p.Length > resolver.Root.Length; p = p[..p.LastIndexOf('/')])
            {
                if (!_unpacked.Add(p))
                {
                    break;
                }
            }
        }

        /// <summary>Directory mtimes last, after their contents stopped changing them; each path is resolved
        /// again because later entries may have replaced it.</summary>
        public void ApplyDirectoryTimes()
        {
            for (var i = _directories.Count - 1; i >= 0; i--)
            {
                var (components, mtime) = _directories[i];
                var path = resolver.Resolve(components, followFinal: false);
                if (LayerNative.LStat(path) is { IsDirectory: true })
                {
                    LayerNative.SetTimes(path, mtime, mtime);
                }
            }
        }

        public ExtractResult Result(LayerCompression compression, Oci.Digest diffId, long uncompressed, long compressed) => new(
            compression,
            diffId,
            _entries,
            _writer.Files,
            _writer.Directories,
            _writer.Symlinks,
            _writer.Hardlinks,
            _writer.SpecialFiles,
            _whiteouts,
            _skipped,
            uncompressed,
            compressed,
            _writer.Warnings);
    }
}
