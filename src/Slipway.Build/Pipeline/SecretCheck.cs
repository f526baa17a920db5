using Slipway.Build.Engine;
using Slipway.Insight;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Build.Pipeline;

/// <summary>The build's use of <see cref="SecretScanner"/>: between export and tagging, warnings reported as the
/// build's, a leak failing the build before any tag is set.</summary>
internal static class SecretCheck
{
    public static async Task RunAsync(LocalStore store, StoredImage image, IReadOnlySet<Digest> baseLayers, BuildOptions options,
        IBuildProgress progress, CancellationToken cancellationToken)
    {
        var result = await SecretScanner.ScanAsync(store, image, baseLayers, new SecretScanOptions(options.Secrets, options.ScanSecrets),
            progress.OnWarning, cancellationToken).ConfigureAwait(false);
        if (!result.IsClean)
        {
            throw new BuildException(result.Message);
        }
    }
}
