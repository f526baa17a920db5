namespace Slipway.Registry.Tests;

public sealed class RegistryEndpointTests
{
    [Theory]
    [InlineData("localhost:5000", "http://localhost:5000/")]
    [InlineData("127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [InlineData("127.8.9.10", "http://127.8.9.10/")]
    [InlineData("[::1]:5000", "http://[::1]:5000/")]
    [InlineData("ghcr.io", "https://ghcr.io/")]
    [InlineData("Registry.Example:443", "https://registry.example/")]
    [InlineData("10.0.0.5:5000", "https://10.0.0.5:5000/")]
    [InlineData("docker.io", "https://registry-1.docker.io/")]
    public void Plain_http_is_used_only_for_loopback(string host, string expected)
    {
        Assert.Equal(expected, RegistryEndpoint.For(host).BaseUri.AbsoluteUri);
    }

    [Theory]
    [InlineData("registry.lan:5000", "registry.lan:5000")]
    [InlineData("registry.lan:5000", "registry.lan")]
    [InlineData("10.0.0.5:5000", "10.0.0.0/8")]
    public void A_registry_named_insecure_is_reached_over_plain_http(string host, string insecure)
    {
        Assert.True(RegistryEndpoint.For(host, [insecure]).IsPlainHttp);
    }

    [Theory]
    [InlineData("registry.lan:5000", "registry.lan:5001")]
    [InlineData("11.0.0.5:5000", "10.0.0.0/8")]
    [InlineData("registry.lan", "lan")]
    public void A_registry_not_named_insecure_stays_on_https(string host, string insecure)
    {
        Assert.False(RegistryEndpoint.For(host, [insecure]).IsPlainHttp);
    }

    [Theory]
    [InlineData("registry.example/path")]
    [InlineData("user@registry.example")]
    [InlineData("registry example")]
    public void A_host_with_more_than_host_and_port_is_refused(string host)
    {
        Assert.Throws<ArgumentException>(() => RegistryEndpoint.For(host));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("Upper/case")]
    [InlineData("a//b")]
    public void A_malformed_repository_name_never_reaches_a_url(string name)
    {
        Assert.Throws<ArgumentException>(() => RepositoryName.Validate(name));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("sha256:short")]
    [InlineData(".hidden")]
    public void A_malformed_reference_never_reaches_a_url(string reference)
    {
        Assert.Throws<ArgumentException>(() => RepositoryName.ValidateReference(reference));
    }
}
