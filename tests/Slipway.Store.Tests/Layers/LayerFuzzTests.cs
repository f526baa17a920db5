using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Slipway.Store.Layers;
using Slipway.Testing;

namespace Slipway.Store.Tests.Layers;

/// <summary>Small valid layers (plain, hostile, with whiteouts, PAX and GNU long names, xattrs), mutated byte by
/// byte, block by block, truncated, spliced and gzipped (before or after the damage), through the extractor: the
/// only failure allowed is <see cref="LayerExtractionException"/>, nothing may hang, and nothing outside the root
/// may change. Seeded, bounded to 20 s; every input that ever failed is kept in TestData/FuzzCrashes.</summary>
[SupportedOSPlatform("linux")]
public sealed class LayerFuzzTests : IDisposable
{
    private const string Project = "Slipway.Store.Tests";
    private const int Block = 512;
    private readonly Sandbox _box = new();

    public void Dispose() => _box.Dispose();

    [Fact]
    public async Task No_layer_makes_the_extractor_fail_otherwise_hang_or_write_outside_the_root()
    {
        var seeds = Seeds();
        var fuzz = FuzzLoop.FromEnvironment(seed: 20_261_203, iterations: 50_000, budget: TimeSpan.FromSeconds(20));
        await fuzz.RunAsync(random => Generate(random, seeds), Extract, Describe);
    }

    [Theory]
    [MemberData(nameof(Crashes))]
    public void A_layer_that_once_failed_is_refused_or_applied_inside_the_root(string name) =>
        Extract(File.ReadAllBytes(Path.Join(FuzzLoop.CrashFolder(Project), name)));

    public static TheoryData<string> Crashes() => FuzzLoop.Crashes(Project);

    private void Extract(byte[] layer)
    {
        ResetRoot();
        try
        {
            LayerExtractor.Extract(new MemoryStream(layer, writable: false), null, _box.Root,
                new ExtractOptions { PreserveOwnership = false, Privileged = false });
        }
        catch (LayerExtractionException)
        {
            // A layer that cannot be applied is refused with a message: fine.
        }

        _box.AssertOutsideUntouched();
    }

    /// <summary>A fresh root holding a little "lower layer" for whiteouts to remove; whatever the last layer left
    /// (directories without permissions included) is removed first.</summary>
    private void ResetRoot()
    {
        if (Directory.Exists(_box.Root))
        {
            foreach (var dir in Directory.EnumerateDirectories(_box.Root, "*", new EnumerationOptions
                     {
                         RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false,
                     }))
            {
                File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            File.SetUnixFileMode(_box.Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(_box.Root, recursive: true);
        }

        Directory.CreateDirectory(Path.Join(_box.Root, "etc", "lower"));
        File.WriteAllText(Path.Join(_box.Root, "etc", "lower", "file"), "lower");
        File.WriteAllText(Path.Join(_box.Root, "keep"), "lower");
    }

    private static byte[] Generate(Random random, List<byte[]> seeds)
    {
        var tar = random.Next(6) == 0 ? Splice(random, seeds) : [.. seeds[random.Next(seeds.Count)]];
        var damaged = random.Next(4) != 0;
        if (damaged)
        {
            tar = Mutate(random, tar);
        }

        if (random.Next(3) != 0)
        {
            return tar;
        }

        var gzip = Gzip(tar);
        return !damaged || random.Next(2) == 0 ? Mutate(random, gzip) : gzip;
    }

    private static byte[] Mutate(Random random, byte[] input)
    {
        var bytes = new List<byte>(input);
        var edits = 1 + random.Next(6);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            // Mostly inside a header block, where the parser has the most to get wrong.
            var blocks = Math.Max(1, bytes.Count / Block);
            var at = random.Next(3) == 0 ? random.Next(bytes.Count) : Math.Min(bytes.Count - 1, random.Next(blocks) * Block + random.Next(Block));
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 2:
                    // A header field rewritten as a number: sizes, modes, checksums, times.
                    var digits = System.Text.Encoding.ASCII.GetBytes(Convert.ToString(random.NextInt64(), 8)[..(1 + random.Next(11))]);
                    for (var i = 0; i < digits.Length && at + i < bytes.Count; i++)
                    {
                        bytes[at + i] = digits[i];
                    }

                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(Block)));
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 5:
                    var from = random.Next(blocks) * Block;
                    bytes.InsertRange(Math.Min(at / Block * Block, bytes.Count), bytes.GetRange(from, Math.Min(Block, bytes.Count - from)));
                    break;
                default:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
            }
        }

        return [.. bytes];
    }

    private static readonly byte[] Interesting = [0, 0xFF, 0x80, (byte)'0', (byte)'7', (byte)' ', (byte)'/', (byte)'.', (byte)'x',
        (byte)'L', (byte)'K', (byte)'g', (byte)'S', (byte)'1', (byte)'2', (byte)'5', (byte)'\n', (byte)'='];

    /// <summary>The blocks of one layer followed by those of another, cut at block boundaries.</summary>
    private static byte[] Splice(Random random, List<byte[]> seeds)
    {
        var a = seeds[random.Next(seeds.Count)];
        var b = seeds[random.Next(seeds.Count)];
        var cutA = random.Next(a.Length / Block + 1) * Block;
        var cutB = random.Next(b.Length / Block + 1) * Block;
        return [.. a.AsSpan(0, cutA), .. b.AsSpan(cutB)];
    }

    private static byte[] Gzip(byte[] tar)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar);
        }

        return output.ToArray();
    }

    /// <summary>Too long to print: saved where it can be copied into TestData/FuzzCrashes.</summary>
    private static string Describe(byte[] layer)
    {
        var path = Path.Join(Path.GetTempPath(), $"slipway-fuzz-{Convert.ToHexStringLower(SHA256.HashData(layer))[..16]}.layer");
        File.WriteAllBytes(path, layer);
        return $"{layer.Length} bytes in {path}";
    }

    /// <summary>Valid layers of every kind the extractor handles, hostile ones aimed at the sentinel beside the
    /// root included.</summary>
    private static List<byte[]> Seeds()
    {
        var longName = string.Join('/', Enumerable.Repeat("directory-with-a-long-name", 6)) + "/file";
        var layers = new List<TarBuilder>
        {
            new TarBuilder().Dir("app/").File("app/main", "#!/bin/sh\necho hi\n", (UnixFileMode)0x1ED)
                .Symlink("app/link", "main").Hardlink("app/hard", "app/main").Symlink("var/run", "/run"),
            new TarBuilder().File(".wh.keep", "").Dir("etc/").File("etc/.wh..wh..opq", "").File("etc/new", "upper")
                .File("etc/lower/.wh.file", ""),
            new TarBuilder().File("../sentinel/escape").Symlink("s", "../sentinel").File("s/through-link")
                .Hardlink("h", "../sentinel/keep").Symlink("abs", "/").File("abs/etc/passwd", "root::0:0::/:/bin/sh")
                .Symlink("loop", "loop/x").File("loop/y"),
            new TarBuilder().File(longName, "deep").Symlink("long-link", string.Concat(Enumerable.Repeat("../", 60)) + "target")
                .Add(new PaxTarEntry(TarEntryType.RegularFile, "xattrs", new Dictionary<string, string>
                {
                    ["SCHILY.xattr.user.comment"] = "hello",
                    ["SCHILY.xattr.security.capability"] = "\u0001\u0000\u0000\u0002",
                    ["mtime"] = "1700000000.5",
                }) { DataStream = new MemoryStream("x"u8.ToArray()) }),
        };
        var seeds = layers.Select(l => l.ToStream().ToArray()).ToList();
        seeds.Add(Gnu());
        return seeds;
    }

    /// <summary>A GNU-format layer: long names and link targets as 'L' and 'K' entries.</summary>
    private static byte[] Gnu()
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Gnu, leaveOpen: true))
        {
            var name = string.Concat(Enumerable.Repeat("gnu-long-name-", 10));
            writer.WriteEntry(new GnuTarEntry(TarEntryType.Directory, "gnu/") { Mode = (UnixFileMode)0x1ED });
            writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "gnu/" + name) { DataStream = new MemoryStream("gnu"u8.ToArray()) });
            writer.WriteEntry(new GnuTarEntry(TarEntryType.SymbolicLink, "gnu/link") { LinkName = "../" + name });
        }

        return buffer.ToArray();
    }
}
