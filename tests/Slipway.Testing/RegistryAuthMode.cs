namespace Slipway.Testing;

/// <summary>How a <see cref="RegistryFixture"/> guards its registry.</summary>
public enum RegistryAuthMode
{
    /// <summary>No authentication: <c>/v2/</c> answers 200.</summary>
    Anonymous,

    /// <summary>htpasswd (bcrypt) basic authentication.</summary>
    Basic,

    /// <summary>Bearer tokens from a token server run by the fixture (the Docker Hub flow).</summary>
    Token,
}
