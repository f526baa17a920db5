using System.Text.Json;

namespace Slipway.Insight.Sbom;

/// <summary>NuGet packages from .NET applications' <c>*.deps.json</c>: the "libraries" of type "package".</summary>
public sealed class DotnetDepsCataloger : ICataloger
{
    private const long MaxSize = 64L << 20;

    public bool Wants(string path, long size, bool executable) =>
        size <= MaxSize && path.EndsWith(".deps.json", StringComparison.Ordinal);

    public async Task<IReadOnlyList<SbomPackage>> ReadAsync(string path, Stream content, ImageFacts facts, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(content, default, cancellationToken).ConfigureAwait(false);
        return Parse(document.RootElement, "/" + path);
    }

    public static IReadOnlyList<SbomPackage> Parse(JsonElement root, string location)
    {
        var result = new List<SbomPackage>();
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("libraries", out var libraries) || libraries.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        foreach (var library in libraries.EnumerateObject())
        {
            if (library.Value.ValueKind != JsonValueKind.Object || !library.Value.TryGetProperty("type", out var type) ||
                type.ValueKind != JsonValueKind.String || type.GetString() != "package")
            {
                continue;
            }

            // Keys are "Name/Version".
            var slash = library.Name.LastIndexOf('/');
            if (slash <= 0 || slash == library.Name.Length - 1)
            {
                continue;
            }

            var (name, version) = (library.Name[..slash], library.Name[(slash + 1)..]);
            result.Add(new SbomPackage("nuget", name, version, Purl.Create("nuget", null, name, version), location));
        }

        return result;
    }
}
