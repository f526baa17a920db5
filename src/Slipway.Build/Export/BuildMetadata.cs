using System.Text.Encodings.Web;
using System.Text.Json;
using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Build.Export;

/// <summary>The <c>--metadata-file</c> JSON, with the keys buildx writes.</summary>
public static class BuildMetadata
{
    /// <summary>The document for <paramref name="image"/>; <c>containerimage.digest</c> is the pushed digest when
    /// there was a push (an index, with an SBOM), else the image manifest's.</summary>
    public static string Json(StoredImage image, IReadOnlyList<ImageReference> tags, Digest? pushed)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Write(image.Id, pushed ?? image.ManifestDescriptor.Digest, image.ManifestDescriptor, tags);
    }

    /// <summary>The document of a build for several platforms, as buildx writes it: no config digest (there are
    /// several), <c>containerimage.digest</c> and <c>containerimage.descriptor</c> the index's (the pushed index's
    /// digest when there was a push).</summary>
    public static string Json(StoredIndex index, IReadOnlyList<ImageReference> tags, Digest? pushed)
    {
        ArgumentNullException.ThrowIfNull(index);
        var digest = pushed ?? index.Descriptor.Digest;
        return Write(null, digest, index.Descriptor with { Digest = digest }, tags);
    }

    private static string Write(Digest? config, Digest digest, Descriptor descriptor, IReadOnlyList<ImageReference> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (config is { } id)
            {
                w.WriteString("containerimage.config.digest", id.Value);
            }

            w.WriteString("containerimage.digest", digest.Value);
            w.WriteStartObject("containerimage.descriptor");
            w.WriteString("mediaType", descriptor.MediaType);
            w.WriteString("digest", descriptor.Digest.Value);
            w.WriteNumber("size", descriptor.Size);
            w.WriteEndObject();
            if (tags.Count > 0)
            {
                w.WriteString("image.name", string.Join(',', tags.Select(t => t.ToString())));
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
