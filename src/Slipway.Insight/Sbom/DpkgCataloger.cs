namespace Slipway.Insight.Sbom;

/// <summary>Debian packages from dpkg's database: <c>var/lib/dpkg/status</c> (installed packages only) and
/// distroless images' <c>var/lib/dpkg/status.d/*</c> (one control paragraph per file).</summary>
public sealed class DpkgCataloger : ICataloger
{
    private const string Status = "var/lib/dpkg/status";
    private const string StatusDir = "var/lib/dpkg/status.d/";

    public bool Wants(string path, long size, bool executable) =>
        path == Status ||
        (path.StartsWith(StatusDir, StringComparison.Ordinal) && !path.EndsWith(".md5sums", StringComparison.Ordinal) &&
         path.IndexOf('/', StatusDir.Length) < 0);

    public async Task<IReadOnlyList<SbomPackage>> ReadAsync(string path, Stream content, ImageFacts facts, CancellationToken cancellationToken) =>
        Parse(await TextFile.ReadAsync(content, cancellationToken).ConfigureAwait(false), "/" + path, facts);

    /// <summary>Packages in a status file's text. A paragraph with a Status field counts only when installed.</summary>
    public static IReadOnlyList<SbomPackage> Parse(string text, string location, ImageFacts facts)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(facts);
        var ns = facts.DistroId is "ubuntu" or "debian" or "raspbian" ? facts.DistroId : "debian";
        var distro = facts.DistroId is null ? null : facts.DistroId + (facts.DistroVersion is null ? "" : "-" + facts.DistroVersion);
        var result = new List<SbomPackage>();
        foreach (var fields in Paragraphs(text))
        {
            if (!fields.TryGetValue("Package", out var name) || !fields.TryGetValue("Version", out var version))
            {
                continue;
            }

            if (fields.TryGetValue("Status", out var status) && !status.EndsWith(" installed", StringComparison.Ordinal))
            {
                continue;
            }

            fields.TryGetValue("Architecture", out var arch);
            string? source = null, sourceVersion = null;
            if (fields.TryGetValue("Source", out var src))
            {
                // "Source: name (version)" when the source version differs from the binary's.
                var paren = src.IndexOf('(', StringComparison.Ordinal);
                source = (paren < 0 ? src : src[..paren]).Trim();
                sourceVersion = paren < 0 ? null : src[(paren + 1)..].TrimEnd(')', ' ');
            }

            var purl = Purl.Create("deb", ns, name, version, ("arch", arch), ("distro", distro),
                ("upstream", source is null ? null : source + (sourceVersion is null ? "" : "@" + sourceVersion)));
            result.Add(new SbomPackage("deb", name, version, purl, location) { SourcePackage = source });
        }

        return result;
    }

    /// <summary>RFC 822-style paragraphs separated by blank lines; continuation lines (leading space) are
    /// folded into the field before them, which only matters for multi-line fields we ignore.</summary>
    private static IEnumerable<Dictionary<string, string>> Paragraphs(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                if (fields.Count > 0)
                {
                    yield return fields;
                    fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                }

                continue;
            }

            if (line[0] is ' ' or '\t')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        if (fields.Count > 0)
        {
            yield return fields;
        }
    }
}
