namespace Slipway.Insight.Sbom;

/// <summary>Go modules linked into executables: reads each ELF executable forward until its build info,
/// and reports the main module, its dependencies, and the standard library as <c>stdlib</c> at the Go
/// version that built it.</summary>
public sealed class GoBinaryCataloger : ICataloger
{
    private const long MinSize = 4096;

    public bool Wants(string path, long size, bool executable) => executable && size >= MinSize;

    public async Task<IReadOnlyList<SbomPackage>> ReadAsync(string path, Stream content, ImageFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var head = new byte[4];
        var filled = 0;
        while (filled < head.Length && await content.ReadAsync(head.AsMemory(filled), cancellationToken).ConfigureAwait(false) is var n and > 0)
        {
            filled += n;
        }

        if (!GoBuildInfoReader.IsElf(head.AsSpan(0, filled)))
        {
            return [];
        }

        var info = await GoBuildInfoReader.ReadAsync(content, cancellationToken).ConfigureAwait(false);
        return info is null ? [] : Packages(info, "/" + path);
    }

    public static IReadOnlyList<SbomPackage> Packages(GoBuildInfo info, string location)
    {
        ArgumentNullException.ThrowIfNull(info);
        var result = new List<SbomPackage>();
        if (info.Main is { } main)
        {
            result.Add(Module(main, location));
        }

        result.AddRange(info.Deps.Select(d => Module(d, location)));
        // "go1.21.0 X:boringcrypto" carries experiments after a space: the version is the first word.
        var goVersion = info.GoVersion.Split(' ')[0];
        result.Add(new SbomPackage("golang", "stdlib", goVersion, Purl.Create("golang", null, "stdlib", goVersion), location) { License = "BSD-3-Clause" });
        return result;
    }

    private static SbomPackage Module(GoModule module, string location)
    {
        var slash = module.Path.LastIndexOf('/');
        var (ns, name) = slash < 0 ? (null, module.Path) : (module.Path[..slash], module.Path[(slash + 1)..]);
        var version = module.Version == "(devel)" ? null : module.Version;
        return new SbomPackage("golang", module.Path, module.Version, Purl.Create("golang", ns, name, version), location);
    }
}
