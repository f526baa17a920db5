using System.Formats.Tar;
using System.IO.Compression;
using Slipway.Insight;
using Slipway.Oci;

namespace Slipway.Insight.Tests;

/// <summary>Small layers written in the test: <c>File("a/b", 10)</c>, <c>Dir("a")</c>, <c>Whiteout("a/b")</c>,
/// <c>Opaque("a")</c>, gzip-compressed unless told otherwise, analysed straight from memory.</summary>
internal sealed class SyntheticImage
{
    private readonly Dictionary<Digest, byte[]> _blobs = [];
    private readonly List<Descriptor> _layers = [];

    public List<HistoryEntry>? History { get; set; }

    public static (string Name, TarEntryType Type, int Size) File(string name, int size) => (name, TarEntryType.RegularFile, size);

    public static (string Name, TarEntryType Type, int Size) Dir(string name) => (name + "/", TarEntryType.Directory, 0);

    public static (string Name, TarEntryType Type, int Size) Link(string name) => (name, TarEntryType.HardLink, 0);

    public static (string Name, TarEntryType Type, int Size) Whiteout(string path)
    {
        var slash = path.LastIndexOf('/');
        return (slash < 0 ? ".wh." + path : path[..(slash + 1)] + ".wh." + path[(slash + 1)..], TarEntryType.RegularFile, 0);
    }

    public static (string Name, TarEntryType Type, int Size) Opaque(string dir) => (dir + "/.wh..wh..opq", TarEntryType.RegularFile, 0);

    public SyntheticImage Layer(params (string Name, TarEntryType Type, int Size)[] entries) => Layer(true, entries);

    public SyntheticImage Layer(bool gzip, params (string Name, TarEntryType Type, int Size)[] entries)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, type, size) in entries)
            {
                var entry = new PaxTarEntry(type, name);
                if (type == TarEntryType.HardLink)
                {
                    entry.LinkName = "target";
                }

                if (type == TarEntryType.RegularFile)
                {
                    entry.DataStream = new MemoryStream(new byte[size]);
                }

                writer.WriteEntry(entry);
            }
        }

        byte[] blob;
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var gz = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gz.Write(tar.ToArray());
            }

            blob = compressed.ToArray();
        }
        else
        {
            blob = tar.ToArray();
        }

        var descriptor = Descriptor.For(gzip ? MediaTypes.OciLayerGzip : MediaTypes.OciLayer, blob);
        _blobs[descriptor.Digest] = blob;
        _layers.Add(descriptor);
        return this;
    }

    public Task<SizeReport> AnalyzeAsync(SizeAnalysisOptions? options = null) =>
        ImageSizeAnalyzer.AnalyzeAsync("test:latest", "sha256:" + new string('0', 64), _layers.Sum(l => l.Size), _layers, History,
            d => new MemoryStream(_blobs[d.Digest], writable: false), options ?? new SizeAnalysisOptions(), CancellationToken.None);
}
