using Slipway.Build.Engine;
using Slipway.Build.Export;

namespace Slipway.Build.Request;

/// <summary>A report printed after the build (<c>--report</c>).</summary>
public enum BuildReport
{
    /// <summary>Where the image's bytes are, as <c>slipway size</c> shows.</summary>
    Size,
}

/// <summary>One build as the command line asked for it, every value checked: what to build and how
/// (<see cref="Options"/>), where the image goes besides the store, what is written beside it and the reports after.
/// It is made before any work, so a mistake in any option is found before anything is pulled, run or written.</summary>
public sealed record BuildRequest
{
    public required BuildOptions Options { get; init; }

    /// <summary><c>--output</c> and <c>--push</c>, in the order given; each becomes one exporter.</summary>
    public IReadOnlyList<OutputSpec> Outputs { get; init; } = [];

    /// <summary>The engine an output that loads (<c>--load</c>, <c>type=docker</c> without <c>dest</c>) sends the image
    /// to, found when the request was made; null when no output loads.</summary>
    public Slipway.Images.EngineEndpoint? Engine { get; init; }

    public ExportAttachments Attachments { get; init; } = new();

    public IReadOnlyList<BuildReport> Reports { get; init; } = [];

    /// <summary>An output writes to standard output (<c>-o -</c>): the image id and reports then stay off it.</summary>
    public bool OutputsToStandardOutput => Outputs.Any(o => o.ToStandardOutput);
}
