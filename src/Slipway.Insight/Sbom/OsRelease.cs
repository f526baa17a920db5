namespace Slipway.Insight.Sbom;

/// <summary>Reads ID and VERSION_ID from os-release (freedesktop.org), which names the purl namespace of
/// distribution packages.</summary>
internal static class OsRelease
{
    public static void Read(Stream content, ImageFacts facts)
    {
        using var reader = new StreamReader(content, leaveOpen: true);
        while (reader.ReadLine() is { } line)
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var value = line[(eq + 1)..].Trim().Trim('"', '\'');
            switch (line[..eq].Trim())
            {
                case "ID": facts.DistroId = value; break;
                case "VERSION_ID": facts.DistroVersion = value; break;
            }
        }
    }
}
