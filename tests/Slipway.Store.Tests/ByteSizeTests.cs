namespace Slipway.Store.Tests;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1024", 1024L)]
    [InlineData("10GB", 10L * 1024 * 1024 * 1024)]
    [InlineData("512MB", 512L * 1024 * 1024)]
    [InlineData("512mb", 512L * 1024 * 1024)]
    [InlineData("1.5GiB", 3L * 512 * 1024 * 1024)]
    [InlineData("2k", 2048L)]
    [InlineData("1 KiB", 1024L)]
    [InlineData("3B", 3L)]
    [InlineData("1TB", 1024L * 1024 * 1024 * 1024)]
    public void Sizes_read_as_docker_reads_keep_storage(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out var bytes, out var error), error);
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("GB")]
    [InlineData("10 parsecs")]
    [InlineData("-5MB")]
    [InlineData("1.2.3GB")]
    public void Malformed_sizes_are_rejected_with_a_message(string text)
    {
        Assert.False(ByteSize.TryParse(text, out _, out var error));
        Assert.Contains(text.Length == 0 ? "invalid size" : text, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("99999999999999999999GB")]
    [InlineData("9223372036854775808")]
    [InlineData("8192PB")]
    public void Sizes_too_large_for_a_long_are_rejected_without_overflowing(string text)
    {
        // 99999999999999999999GB overflowed the decimal product, and the user saw .NET's overflow text.
        Assert.False(ByteSize.TryParse(text, out _, out var error));
        Assert.Equal($"invalid size \"{text}\": too large", error);
    }

    [Fact]
    public void The_store_config_gives_the_keep_storage_cap()
    {
        using var temp = new TempStore();
        Assert.Null(StoreConfig.Load(temp.Store.Layout).KeepStorageBytes);
        File.WriteAllText(StoreConfig.PathIn(temp.Store.Layout), """{"gc": {"keepStorage": "20GB"}}""");
        Assert.Equal(20L * 1024 * 1024 * 1024, StoreConfig.Load(temp.Store.Layout).KeepStorageBytes);
        File.WriteAllText(StoreConfig.PathIn(temp.Store.Layout), """{"gc": {"keepStorage": "lots"}}""");
        var error = Assert.Throws<InvalidDataException>(() => StoreConfig.Load(temp.Store.Layout));
        Assert.Contains("gc.keepStorage", error.Message, StringComparison.Ordinal);
    }
}
