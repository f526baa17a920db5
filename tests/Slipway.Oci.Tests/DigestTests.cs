namespace Slipway.Oci.Tests;

public class DigestTests
{
    private const string EmptySha256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void A_valid_sha256_digest_parses_and_round_trips()
    {
        var digest = Digest.Parse(EmptySha256);
        Assert.Equal("sha256", digest.Algorithm);
        Assert.Equal(EmptySha256, digest.ToString());
        Assert.Equal("e3b0c44298fc", digest.ShortHex);
    }

    [Fact]
    public void Computing_the_digest_of_nothing_gives_the_well_known_value() =>
        Assert.Equal(EmptySha256, Digest.Compute([]).Value);

    [Theory]
    [InlineData("")]
    [InlineData("sha256")]
    [InlineData("sha256:abc")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("sha256:../../../../etc/passwd000000000000000000000000000000000000000000000")]
    public void A_malformed_digest_is_rejected(string value)
    {
        Assert.False(Digest.TryParse(value, out _, out var error));
        Assert.StartsWith("invalid digest", error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => Digest.Parse(value));
    }
}
