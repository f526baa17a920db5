using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Slipway.Testing;

/// <summary>Signs registry bearer tokens (RS256 JWTs) with a key made for this run. The registry trusts the
/// self-signed certificate through <c>auth.token.rootcertbundle</c>; each token carries that certificate in its
/// <c>x5c</c> header, which distribution 2.8 verifies against the bundle before checking the signature.</summary>
internal sealed class TokenSigner : IDisposable
{
    private readonly RSA _key;
    private readonly X509Certificate2 _certificate;

    public TokenSigner(string issuer)
    {
        Issuer = issuer;
        _key = RSA.Create(2048);
        var request = new CertificateRequest(
            $"CN={issuer}", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        _certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
    }

    public string Issuer { get; }

    public string CertificatePem => _certificate.ExportCertificatePem();

    public string Sign(string subject, string audience, IReadOnlyList<GrantedAccess> access, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow;
        var header = Json(w =>
        {
            w.WriteString("typ", "JWT");
            w.WriteString("alg", "RS256");
            w.WriteStartArray("x5c");
            w.WriteStringValue(Convert.ToBase64String(_certificate.RawData));
            w.WriteEndArray();
        });
        var claims = Json(w =>
        {
            w.WriteString("iss", Issuer);
            w.WriteString("sub", subject);
            w.WriteString("aud", audience);
            w.WriteNumber("exp", now.Add(lifetime).ToUnixTimeSeconds());
            w.WriteNumber("nbf", now.AddSeconds(-10).ToUnixTimeSeconds());
            w.WriteNumber("iat", now.ToUnixTimeSeconds());
            w.WriteString("jti", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
            w.WriteStartArray("access");
            foreach (var grant in access)
            {
                w.WriteStartObject();
                w.WriteString("type", grant.Type);
                w.WriteString("name", grant.Name);
                w.WriteStartArray("actions");
                foreach (var action in grant.Actions)
                {
                    w.WriteStringValue(action);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });

        var signingInput = $"{Base64Url(header)}.{Base64Url(claims)}";
        var signature = _key.SignData(
            Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>One entry of a token's <c>access</c> claim.</summary>
public sealed record GrantedAccess(string Type, string Name, IReadOnlyList<string> Actions);
