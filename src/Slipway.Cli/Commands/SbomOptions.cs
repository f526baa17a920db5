using Slipway.Insight.Sbom;
using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary>The build side of <c>--sbom</c> / <c>--attest type=sbom</c>, kept out of BuildRun.</summary>
internal static class SbomOptions
{
    /// <summary>Whether the flags ask for an SBOM. buildx spells it <c>--sbom=true</c> or <c>--attest type=sbom</c>
    /// (with optional fields we accept and ignore, such as generator=); other attestation types are refused.</summary>
    public static bool TryWanted(bool sbom, IReadOnlyList<string> attest, out bool wanted, out string? error)
    {
        wanted = sbom;
        error = null;
        foreach (var spec in attest)
        {
            string? type = null;
            var disabled = false;
            foreach (var field in spec.Split(','))
            {
                var eq = field.IndexOf('=', StringComparison.Ordinal);
                var (key, value) = eq < 0 ? (field.Trim(), "") : (field[..eq].Trim(), field[(eq + 1)..].Trim());
                if (key == "type")
                {
                    type = value;
                }
                else if (key == "disabled")
                {
                    disabled = value is "true" or "";
                }
            }

            if (type != "sbom")
            {
                error = $"unsupported --attest \"{spec}\": only type=sbom is supported";
                return false;
            }

            wanted = !disabled;
        }

        return true;
    }

    public static async Task<SpdxDocument> GenerateAsync(CommandContext ctx, StoredImage image, IReadOnlyList<ImageReference> tags, DateTimeOffset? epoch,
        bool quiet, CancellationToken cancellationToken)
    {
        var document = await SbomGenerator.GenerateAsync(ctx.Store, image, tags.Count > 0 ? tags[0] : null, SlipwayApp.Version,
            epoch ?? ctx.Env.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (!quiet)
        {
            ctx.Env.Error.WriteLine($"#0 generating sbom: {document.Packages.Count - 1} packages done");
        }

        return document;
    }

    public static AttestationManifest Attestation(SpdxDocument document, StoredImage image, ImageReference name) =>
        SbomAttestation.Create(document, image.ManifestDescriptor, name, image.Config.Platform).Attestation;
}
