using System.Security.Cryptography;
using Slipway.Build.Context;

namespace Slipway.Build.Tests.Context;

public sealed class FileDigestTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-digest-");

    public void Dispose() => _dir.Delete(true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(256 * 1024)]
    [InlineData((256 * 1024) + 1)]
    [InlineData((3 * 256 * 1024) + 77)]
    public void The_digest_is_the_sha256_of_the_whole_file(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var path = Path.Join(_dir.FullName, "f");
        File.WriteAllBytes(path, bytes);

        Assert.Equal(SHA256.HashData(bytes), FileDigest.Sha256(path));
    }

    [Fact]
    public void A_symlink_is_refused_rather_than_followed()
    {
        var path = Path.Join(_dir.FullName, "link");
        File.CreateSymbolicLink(path, "/etc/passwd");

        Assert.ThrowsAny<IOException>(() => FileDigest.Sha256(path));
    }
}
