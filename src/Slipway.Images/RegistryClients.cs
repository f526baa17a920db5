using System.Collections.Concurrent;
using Slipway.Registry;

namespace Slipway.Images;

/// <summary>One registry client per registry host for the length of a command, sharing options and credentials.</summary>
public sealed class RegistryClients(RegistryClientOptions options, HttpMessageHandler? transport = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, RegistryClient> _clients = new(StringComparer.Ordinal);

    public RegistryClient For(string host) =>
        _clients.GetOrAdd(host, h => new RegistryClient(RegistryEndpoint.For(h, options.InsecureRegistries), options, transport));

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
