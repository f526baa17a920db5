namespace Slipway.Oci;

/// <summary>Picks manifests for a wanted platform with containerd's <c>platforms.Only</c> preference order:
/// the exact platform first, then what it can also run (amd64/v3 → v2 → v1 → 386; arm64 → arm/v8 … arm/v5;
/// arm/v7 → v6 → v5).</summary>
public sealed class PlatformMatcher
{
    private readonly List<Platform> _preference;

    public PlatformMatcher(Platform wanted)
    {
        Wanted = wanted.Normalize();
        _preference = Vector(Wanted);
    }

    public Platform Wanted { get; }

    /// <summary>The platforms accepted, most preferred first.</summary>
    public IReadOnlyList<Platform> Preference => _preference;

    public bool Matches(Platform candidate) => Rank(candidate) >= 0;

    /// <summary>Index into <see cref="Preference"/> of the best entry that accepts the candidate, or -1.</summary>
    public int Rank(Platform candidate)
    {
        var normal = candidate.Normalize();
        for (var i = 0; i < _preference.Count; i++)
        {
            if (Same(_preference[i], normal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The best manifest of an index for the wanted platform, or null when none fits. Entries without
    /// a platform are skipped; among equal ranks the first in the index wins, as in containerd.</summary>
    public Descriptor? SelectBest(IEnumerable<Descriptor> manifests)
    {
        Descriptor? best = null;
        var bestRank = int.MaxValue;
        foreach (var descriptor in manifests)
        {
            if (descriptor.Platform is null)
            {
                continue;
            }

            var rank = Rank(descriptor.Platform);
            if (rank >= 0 && rank < bestRank)
            {
                best = descriptor;
                bestRank = rank;
            }
        }

        return best;
    }

    private static bool Same(Platform a, Platform b) =>
        a.Os == b.Os && a.Architecture == b.Architecture && (a.Variant ?? "") == (b.Variant ?? "")
        && (a.Os != "windows" || string.IsNullOrEmpty(a.OsVersion) || a.OsVersion == b.OsVersion);

    private static List<Platform> Vector(Platform p)
    {
        var vector = new List<Platform> { p };
        switch (p.Architecture)
        {
            case "amd64":
                if (TryVersion(p.Variant, out var amd64) && amd64 > 1)
                {
                    for (amd64--; amd64 >= 1; amd64--)
                    {
                        vector.Add((p with { Variant = "v" + amd64 }).Normalize());
                    }
                }

                vector.Add(p with { Architecture = "386", Variant = null });
                break;
            case "arm":
                if (TryVersion(p.Variant, out var arm) && arm > 5)
                {
                    for (arm--; arm >= 5; arm--)
                    {
                        vector.Add(p with { Variant = "v" + arm });
                    }
                }

                break;
            case "arm64":
                vector.Clear();
                var variant = string.IsNullOrEmpty(p.Variant) ? "v8" : p.Variant;
                foreach (var v in Arm64Versions(variant))
                {
                    vector.Add((p with { Variant = v }).Normalize());
                }

                // Every arm64 CPU runs 32-bit arm up to v8.
                var armVariant = variant.StartsWith("v8", StringComparison.Ordinal)
                    || variant.StartsWith("v9", StringComparison.Ordinal) ? "v8" : variant;
                vector.AddRange(Vector(p with { Architecture = "arm", Variant = armVariant }));
                break;
        }

        return vector;
    }

    /// <summary>arm64/v8.x runs v8.x … v8.0; arm64/v9.x also runs v8.(x+5) … v8.0, as containerd maps them.</summary>
    private static List<string> Arm64Versions(string variant)
    {
        var result = new List<string>();
        var text = variant.TrimStart('v');
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var majorText = dot < 0 ? text : text[..dot];
        var minorText = dot < 0 ? "0" : text[(dot + 1)..];
        if (!int.TryParse(majorText, out var major) || !int.TryParse(minorText, out var minor)
            || major is not (8 or 9) || minor is < 0 or > 9 || (major == 9 && minor > 7))
        {
            return result;
        }

        var ranges = major == 8 ? new[] { (8, minor) } : new[] { (9, minor), (8, Math.Min(minor + 5, 9)) };
        foreach (var (maj, top) in ranges)
        {
            for (var m = top; m >= 0; m--)
            {
                result.Add(m == 0 ? $"v{maj}" : $"v{maj}.{m}");
            }
        }

        return result;
    }

    private static bool TryVersion(string? variant, out int version)
    {
        version = 0;
        return variant is not null && int.TryParse(variant.TrimStart('v'), out version);
    }
}
