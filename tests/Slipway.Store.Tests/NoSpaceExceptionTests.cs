using Slipway.Testing;

namespace Slipway.Store.Tests;

public sealed class NoSpaceExceptionTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_write_to_a_full_device_is_recognised_and_named_with_its_path()
    {
        // /dev/full answers every write with ENOSPC, as a full filesystem does.
        Capability.Require(File.Exists("/dev/full"), "needs /dev/full");
        using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        var error = Assert.ThrowsAny<IOException>(() => full.Write("x"u8));

        var translated = NoSpaceException.For(error, "/store/ingest/abc");

        Assert.NotNull(translated);
        Assert.Equal("no space left on device writing /store/ingest/abc", translated.Message);
        Assert.Equal("/store/ingest/abc", translated.Path);
        Assert.Same(error, translated.InnerException);
    }

    [Fact]
    public void Other_io_errors_are_not_taken_for_a_full_disk()
    {
        Assert.Null(NoSpaceException.For(new IOException("connection reset by peer"), "/store/ingest/abc"));
        Assert.Null(NoSpaceException.For(new FileNotFoundException("gone"), "/store/ingest/abc"));
    }
}
