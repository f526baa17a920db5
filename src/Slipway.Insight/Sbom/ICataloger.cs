namespace Slipway.Insight.Sbom;

/// <summary>Finds packages of one ecosystem in an image's files. The scanner streams each layer once and hands
/// a cataloger only the regular files it asks for, one at a time; a cataloger reads what it needs from the
/// stream and keeps only the packages it parsed, never the file.</summary>
public interface ICataloger
{
    /// <summary>Whether this cataloger wants the file at <paramref name="path"/> (relative, no leading slash).
    /// Called for every regular file of every layer, so it must be cheap.</summary>
    bool Wants(string path, long size, bool executable);

    /// <summary>Reads one wanted file (a forward-only stream) and returns what it found in it.</summary>
    Task<IReadOnlyList<SbomPackage>> ReadAsync(string path, Stream content, ImageFacts facts, CancellationToken cancellationToken);
}

/// <summary>What the scanner learned about the image besides packages: the distribution, from os-release.</summary>
public sealed class ImageFacts
{
    /// <summary>os-release ID (debian, ubuntu, alpine …), or null when the image has none.</summary>
    public string? DistroId { get; set; }

    /// <summary>os-release VERSION_ID.</summary>
    public string? DistroVersion { get; set; }
}

/// <summary>For the catalogers whose database is one small text file (apk's <c>installed</c>, dpkg's <c>status</c>):
/// the whole file as text.</summary>
internal static class TextFile
{
    public static async Task<string> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(content, leaveOpen: true);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }
}
