using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Slipway.Testing;

namespace Slipway.Registry.Tests.Http;

/// <summary>A registry that cannot be reached is described as Go's HTTP client (and so docker) describes it, one
/// message per cause, over the real transport.</summary>
public sealed class TransportFailureTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static RegistryClient Client(string host) =>
        new(RegistryEndpoint.For(host), new RegistryClientOptions { TimeProvider = TimeProvider.System, MaxAttempts = 1 });

    [Fact]
    public async Task Nothing_listening_is_connection_refused()
    {
        // A port that was free a moment ago: nothing listens on it.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var client = Client($"127.0.0.1:{port}");

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("x", "1", Cancel));

        Assert.Equal($"Get \"http://127.0.0.1:{port}/v2/x/manifests/1\": dial tcp 127.0.0.1:{port}: connect: connection refused", error.Message);
        Assert.Null(error.StatusCode);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_no_such_host()
    {
        using var client = Client("nohost.invalid:5000");

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(Cancel));

        Assert.Equal("Get \"https://nohost.invalid:5000/v2/\": dial tcp: lookup nohost.invalid: no such host", error.Message);
    }

    [Fact]
    public async Task A_certificate_no_authority_signed_is_an_x509_error()
    {
        var name = Dns.GetHostName();
        Capability.Require((await Dns.GetHostAddressesAsync(name, Cancel)).Any(a => a.AddressFamily == AddressFamily.InterNetwork && IPAddress.IsLoopback(a)),
            $"needs the host name {name} to resolve to 127.0.0.1");
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync(Cancel);
            await using var tls = new SslStream(socket.GetStream());
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, Cancel);
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
            {
                // The client refuses the certificate: that is the test.
            }
        }, Cancel);
        using var client = Client($"{name}:{port}");

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(Cancel));
        await serve;

        Assert.Equal($"Get \"https://{name}:{port}/v2/\": tls: failed to verify certificate: x509: certificate signed by unknown authority", error.Message);
    }
}
