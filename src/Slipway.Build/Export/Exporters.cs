using Slipway.Images;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Build.Export;

/// <summary>What exporters reach outside the store: registries, files (<see cref="OpenFile"/> opens standard output
/// for <c>-</c>) and the progress they report to.</summary>
public sealed record ExportTargets(LocalStore Store, RegistryClients Clients, Func<string, Stream> OpenFile, IExportProgress Progress)
{
    /// <summary>The engine <c>--load</c> sends the image to; needed only when an output loads.</summary>
    public EngineEndpoint? Engine { get; init; }
}

/// <summary>Chooses the exporter for each <c>--output</c>.</summary>
public static class Exporters
{
    /// <summary>One exporter per output, in order. An output that names nothing uses the build's tags; the store
    /// already has those, so <c>type=image</c> adds only the names it brings.</summary>
    public static IReadOnlyList<IExporter> For(IReadOnlyList<OutputSpec> outputs, IReadOnlyList<ImageReference> tags, ExportTargets targets)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(targets);
        return [.. outputs.Select(output => For(output, output.Names.Count == 0 ? tags : output.Names, tags, targets))];
    }

    private static IExporter For(OutputSpec output, IReadOnlyList<ImageReference> names, IReadOnlyList<ImageReference> tags, ExportTargets targets) =>
        output.Kind switch
        {
            OutputKind.Image when !output.Push => new StoreExporter(new ImageStore(targets.Store), [.. names.Except(tags)], keepDangling: false),
            OutputKind.Image or OutputKind.Registry =>
                new RegistryExporter(new ImagePusher(new ImageStore(targets.Store), targets.Clients), names, targets.Progress),
            OutputKind.Local => new LocalExporter(targets.Store, output.Destination!, targets.Progress),
            OutputKind.Docker when output.LoadsIntoEngine => new DockerLoadExporter(targets.Store,
                targets.Engine ?? throw new InvalidOperationException("an output loads into the engine but none was resolved"), names, targets.Progress),
            _ => new StreamExporter(targets.Store, output.Kind, names, () => targets.OpenFile(output.Destination!)),
        };
}
