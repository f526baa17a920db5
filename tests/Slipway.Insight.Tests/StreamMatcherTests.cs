using System.Text;
using Slipway.Insight;

namespace Slipway.Insight.Tests;

public sealed class StreamMatcherTests
{
    private static readonly byte[] Secret = "s3cr3t-9f1c2a7e"u8.ToArray();

    private static List<string> Scan(StreamMatcher matcher, byte[] data, int chunk)
    {
        var found = new List<string>();
        matcher.Reset();
        for (var offset = 0; offset < data.Length; offset += chunk)
        {
            var (literals, detectors) = matcher.Feed(data.AsSpan(offset, Math.Min(chunk, data.Length - offset)));
            found.AddRange(literals.Select(i => matcher.Literals[i].Label));
            found.AddRange(detectors.Select(i => matcher.Detectors[i].Label));
        }

        return found;
    }

    private static StreamMatcher ForSecret() =>
        new(SecretPatterns.For(new Dictionary<string, byte[]> { ["tok"] = Secret }, out _), SecretPatterns.Detectors);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(4096)]
    public void A_value_spanning_chunk_boundaries_is_found_exactly_once(int chunk)
    {
        using var matcher = ForSecret();
        var data = Encoding.ASCII.GetBytes(new string('x', 1000) + "s3cr3t-9f1c2a7e" + new string('y', 100) + "s3cr3t-9f1c2a7e");
        Assert.Equal(["secret \"tok\""], Scan(matcher, data, chunk));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("prefix text\n")]
    public void Base64_of_text_holding_the_value_is_found_at_every_alignment(string prefix)
    {
        using var matcher = ForSecret();
        var encoded = Convert.ToBase64String([.. Encoding.ASCII.GetBytes(prefix), .. Secret, .. "\nafter"u8]);
        Assert.Contains("secret \"tok\" (base64)", Scan(matcher, Encoding.ASCII.GetBytes(encoded), 5));
    }

    [Fact]
    public void Url_safe_base64_is_found()
    {
        var value = new byte[] { 0xfb, 0xff, 0xfe, 0xfb, 0xef, 0xbe, 0x01 };
        using var matcher = new StreamMatcher(SecretPatterns.For(new Dictionary<string, byte[]> { ["bin"] = value }, out _), []);
        var url = Convert.ToBase64String(value).Replace('+', '-').Replace('/', '_');
        Assert.Contains("secret \"bin\" (base64url)", Scan(matcher, Encoding.ASCII.GetBytes(url), 2));
    }

    [Fact]
    public void A_file_without_the_value_finds_nothing_and_reset_forgets_the_previous_file()
    {
        using var matcher = ForSecret();
        Scan(matcher, Encoding.ASCII.GetBytes("s3cr3t-9f1c2a7"), 4);
        Assert.Empty(Scan(matcher, Encoding.ASCII.GetBytes("e and more"), 4));
    }

    [Fact]
    public void Values_shorter_than_four_bytes_are_set_aside()
    {
        var patterns = SecretPatterns.For(new Dictionary<string, byte[]> { ["pin"] = "123"u8.ToArray() }, out var tooShort);
        Assert.Empty(patterns);
        Assert.Equal(["pin"], tooShort);
    }

    [Theory]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIB", "private key (PEM)")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----", "private key (PEM)")]
    [InlineData("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", "AWS access key id")]
    [InlineData("token: ghp_0123456789abcdefghijABCDEFGHIJ012345\n", "GitHub token")]
    [InlineData("SLACK=xoxb-12345678901-abcdefghijkl\n", "Slack token")]
    public void Secret_looking_values_are_detected_across_boundaries(string text, string label)
    {
        using var matcher = new StreamMatcher([], SecretPatterns.Detectors);
        Assert.Equal([label], Scan(matcher, Encoding.ASCII.GetBytes(new string('.', 300) + text), 11));
    }

    [Theory]
    [InlineData("-----BEGIN PUBLIC KEY-----")]
    [InlineData("-----BEGIN CERTIFICATE-----")]
    [InlineData("password=hunter2")]
    [InlineData("AKIA123")]
    public void Public_material_and_generic_assignments_are_not_flagged(string text)
    {
        using var matcher = new StreamMatcher([], SecretPatterns.Detectors);
        Assert.Empty(Scan(matcher, Encoding.ASCII.GetBytes(text), 3));
    }
}
