using System.Text;

namespace Slipway.Insight.Sbom;

/// <summary>One package a cataloger found: its ecosystem, identity, and where in the image it was seen.</summary>
public sealed record SbomPackage(string Ecosystem, string Name, string Version, string Purl, string Location)
{
    /// <summary>A license expression the package declares, when reading it was cheap; null means unknown.</summary>
    public string? License { get; init; }

    /// <summary>The source package a binary package was built from (dpkg's Source, apk's origin).</summary>
    public string? SourcePackage { get; init; }
}

/// <summary>Package URLs (github.com/package-url/purl-spec): <c>pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS</c>.</summary>
public static class Purl
{
    public static string Create(string type, string? ns, string name, string? version, params (string Key, string? Value)[] qualifiers)
    {
        var sb = new StringBuilder("pkg:").Append(type).Append('/');
        if (!string.IsNullOrEmpty(ns))
        {
            // A namespace may have several segments (Go module paths): each is encoded on its own.
            sb.AppendJoin('/', ns.Split('/').Select(Encode)).Append('/');
        }

        sb.Append(Encode(name));
        if (!string.IsNullOrEmpty(version))
        {
            sb.Append('@').Append(Encode(version));
        }

        var present = qualifiers.Where(q => !string.IsNullOrEmpty(q.Value)).OrderBy(q => q.Key, StringComparer.Ordinal).ToList();
        for (var i = 0; i < present.Count; i++)
        {
            sb.Append(i == 0 ? '?' : '&').Append(present[i].Key).Append('=').Append(Encode(present[i].Value!));
        }

        return sb.ToString();
    }

    /// <summary>Percent-encodes all but the characters purl leaves bare.</summary>
    private static string Encode(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' or '+')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
