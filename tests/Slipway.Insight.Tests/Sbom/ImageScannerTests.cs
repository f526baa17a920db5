using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Slipway.Insight.Sbom;

namespace Slipway.Insight.Tests.Sbom;

public class ImageScannerTests
{
    private static MemoryStream Layer(bool gzip, params (string Name, string? Content)[] entries)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = new PaxTarEntry(content is null ? TarEntryType.Directory : TarEntryType.RegularFile, name);
                if (content is not null)
                {
                    entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content));
                }

                writer.WriteEntry(entry);
            }
        }

        tar.Position = 0;
        if (!gzip)
        {
            return tar;
        }

        var compressed = new MemoryStream();
        using (var z = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            tar.CopyTo(z);
        }

        compressed.Position = 0;
        return compressed;
    }

    private static string Pkg(string name, string version) => $$"""{ "name": "{{name}}", "version": "{{version}}" }""";

    [Fact]
    public async Task Whiteouts_and_opaque_directories_in_upper_layers_drop_what_lower_layers_held()
    {
        var scanner = ImageScanner.Default();
        var state = new FilesystemState();
        await scanner.ScanLayerAsync(Layer(true,
            ("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"),
            ("var/lib/dpkg/status", "Package: bash\nStatus: install ok installed\nVersion: 5.2\nArchitecture: amd64\n"),
            ("app/node_modules/left-pad/package.json", Pkg("left-pad", "1.3.0")),
            ("app/node_modules/kept/package.json", Pkg("kept", "1.0.0")),
            ("opt/node_modules/gone/package.json", Pkg("gone", "1.0.0"))), state, CancellationToken.None);
        await scanner.ScanLayerAsync(Layer(false,
            ("app/node_modules/.wh.left-pad", ""),
            // In the same layer, a file next to the opaque marker survives it.
            ("opt/node_modules/", null),
            ("opt/node_modules/fresh/package.json", Pkg("fresh", "2.0.0")),
            ("opt/node_modules/.wh..wh..opq", ""),
            ("app/node_modules/kept/package.json", Pkg("kept", "1.1.0"))), state, CancellationToken.None);

        var purls = state.Found.Values.SelectMany(p => p).Select(p => p.Purl).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
        [
            "pkg:deb/debian/bash@5.2?arch=amd64&distro=debian-12",
            "pkg:npm/fresh@2.0.0",
            "pkg:npm/kept@1.1.0",
        ], purls);
    }
}
