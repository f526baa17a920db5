using Slipway.Build.Engine;
using Slipway.Images;
using Slipway.Oci;
using Slipway.Solver;

namespace Slipway.Build.Pipeline;

/// <summary>The build's progress with each warning told once: in a build for several platforms the steps a builder
/// stage shares are keyed once per target, and a warning about its base (InvalidBaseImagePlatform) would otherwise
/// be shown for every target.</summary>
internal sealed class OnceWarnings(IBuildProgress inner) : IBuildProgress
{
    private readonly HashSet<string> _told = new(StringComparer.Ordinal);

    public void OnEvent(SolveEvent solveEvent) => inner.OnEvent(solveEvent);

    public void OnOutput(StepVertex vertex, string line) => inner.OnOutput(vertex, line);

    public void OnWarning(string message)
    {
        lock (_told)
        {
            if (!_told.Add(message))
            {
                return;
            }
        }

        inner.OnWarning(message);
    }

    public void OnPull(ImageReference image, PullProgress progress) => inner.OnPull(image, progress);

    public void OnPulled(ImageReference image, string? failure) => inner.OnPulled(image, failure);
}
