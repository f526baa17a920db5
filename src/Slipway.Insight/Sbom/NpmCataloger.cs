using System.Text.Json;

namespace Slipway.Insight.Sbom;

/// <summary>npm packages: lockfiles (<c>package-lock.json</c>, <c>npm-shrinkwrap.json</c>; v2/v3 "packages",
/// v1 "dependencies"; dev-only entries skipped) and installed packages' <c>node_modules/**/package.json</c>.</summary>
public sealed class NpmCataloger : ICataloger
{
    private const long MaxSize = 64L << 20;

    public bool Wants(string path, long size, bool executable)
    {
        if (size > MaxSize)
        {
            return false;
        }

        var slash = path.LastIndexOf('/');
        var name = path[(slash + 1)..];
        var dir = slash < 0 ? "" : path[..slash];
        if (name is "package-lock.json" or "npm-shrinkwrap.json")
        {
            // Packages may ship their own lockfiles; only a project's lockfile says what is installed.
            return !dir.Contains("node_modules", StringComparison.Ordinal);
        }

        return name == "package.json" && IsPackageDirectory(dir);
    }

    public async Task<IReadOnlyList<SbomPackage>> ReadAsync(string path, Stream content, ImageFacts facts, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(content, default, cancellationToken).ConfigureAwait(false);
        return path.EndsWith("/package.json", StringComparison.Ordinal)
            ? FromPackageJson(document.RootElement, "/" + path)
            : FromLockfile(document.RootElement, "/" + path);
    }

    /// <summary>node_modules/NAME or node_modules/@SCOPE/NAME (at any depth of nesting).</summary>
    private static bool IsPackageDirectory(string dir)
    {
        var parts = dir.Split('/');
        return parts.Length >= 2 && (parts[^2] == "node_modules" || (parts.Length >= 3 && parts[^2].StartsWith('@') && parts[^3] == "node_modules"));
    }

    public static IReadOnlyList<SbomPackage> FromPackageJson(JsonElement root, string location)
    {
        if (root.ValueKind != JsonValueKind.Object || Text(root, "name") is not { } name || Text(root, "version") is not { } version)
        {
            return [];
        }

        return [Package(name, version, License(root), location)];
    }

    public static IReadOnlyList<SbomPackage> FromLockfile(JsonElement root, string location)
    {
        var result = new List<SbomPackage>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        if (root.TryGetProperty("packages", out var packages) && packages.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in packages.EnumerateObject())
            {
                var value = entry.Value;
                if (value.ValueKind != JsonValueKind.Object || IsTrue(value, "dev") || IsTrue(value, "link"))
                {
                    continue;
                }

                var key = entry.Name;
                var at = key.LastIndexOf("node_modules/", StringComparison.Ordinal);
                var name = Text(value, "name") ?? (at < 0 ? Text(root, "name") : key[(at + "node_modules/".Length)..]);
                if (name is not null && Text(value, "version") is { } version)
                {
                    result.Add(Package(name, version, License(value), location));
                }
            }

            return result;
        }

        if (root.TryGetProperty("dependencies", out var dependencies))
        {
            AddV1(dependencies, location, result);
        }

        return result;
    }

    private static void AddV1(JsonElement dependencies, string location, List<SbomPackage> result)
    {
        if (dependencies.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var dependency in dependencies.EnumerateObject())
        {
            var value = dependency.Value;
            if (value.ValueKind != JsonValueKind.Object || IsTrue(value, "dev"))
            {
                continue;
            }

            if (Text(value, "version") is { } version && !version.StartsWith("file:", StringComparison.Ordinal))
            {
                result.Add(Package(dependency.Name, version, null, location));
            }

            if (value.TryGetProperty("dependencies", out var nested))
            {
                AddV1(nested, location, result);
            }
        }
    }

    private static SbomPackage Package(string name, string version, string? license, string location)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var (ns, bare) = name.StartsWith('@') && slash > 0 ? (name[..slash], name[(slash + 1)..]) : (null, name);
        return new SbomPackage("npm", name, version, Purl.Create("npm", ns, bare, version), location) { License = license };
    }

    /// <summary>"license": "MIT", or the old { "type": "MIT" } form.</summary>
    private static string? License(JsonElement package) =>
        package.TryGetProperty("license", out var license)
            ? license.ValueKind switch
            {
                JsonValueKind.String => license.GetString(),
                JsonValueKind.Object => Text(license, "type"),
                _ => null,
            }
            : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;

    private static bool IsTrue(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
