namespace Slipway.Insight.Sbom;

/// <summary>Alpine packages from apk's database, <c>lib/apk/db/installed</c>: one record per package of
/// <c>K:value</c> lines (P name, V version, A arch, L license, o origin), records separated by blank lines.</summary>
public sealed class ApkCataloger : ICataloger
{
    private const string Installed = "lib/apk/db/installed";

    public bool Wants(string path, long size, bool executable) => path == Installed;

    public async Task<IReadOnlyList<SbomPackage>> ReadAsync(string path, Stream content, ImageFacts facts, CancellationToken cancellationToken) =>
        Parse(await TextFile.ReadAsync(content, cancellationToken).ConfigureAwait(false), "/" + path, facts);

    public static IReadOnlyList<SbomPackage> Parse(string text, string location, ImageFacts facts)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(facts);
        var distro = facts.DistroVersion is null ? null : "alpine-" + facts.DistroVersion;
        var result = new List<SbomPackage>();
        string? name = null, version = null, arch = null, license = null, origin = null;

        void Flush()
        {
            if (name is not null && version is not null)
            {
                var purl = Purl.Create("apk", "alpine", name, version, ("arch", arch), ("distro", distro), ("upstream", origin));
                result.Add(new SbomPackage("apk", name, version, purl, location) { License = license, SourcePackage = origin });
            }

            name = version = arch = license = origin = null;
        }

        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                Flush();
                continue;
            }

            if (line.Length < 2 || line[1] != ':')
            {
                continue;
            }

            var value = line[2..];
            switch (line[0])
            {
                case 'P': name = value; break;
                case 'V': version = value; break;
                case 'A': arch = value; break;
                case 'L': license = value; break;
                case 'o': origin = value; break;
            }
        }

        Flush();
        return result;
    }
}
