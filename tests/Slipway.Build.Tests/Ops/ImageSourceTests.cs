using Slipway.Build.Engine;
using Slipway.Build.Ops;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Syntax;
using Slipway.Oci;
using Slipway.Store.Images;

namespace Slipway.Build.Tests.Ops;

/// <summary>An image a stage reads (<c>COPY --from=IMAGE</c>, a RUN mount's <c>from=IMAGE</c>) is resolved for the
/// platform that stage runs on, as its base is: a builder on $BUILDPLATFORM copies from the build platform's image.</summary>
public sealed class ImageSourceTests
{
    private const string Dockerfile = "FROM --platform=$BUILDPLATFORM scratch AS builder\nCOPY --from=tools:1 /a /a\nFROM scratch\nCOPY --from=builder /a /a\nCOPY --from=tools:1 /b /b\n";

    // The resolvers fail with what they were asked, so the test reads the platform off the error.
    private static readonly ImageSource Images = new((r, p, _) => Task.FromException<StoredImage>(new BuildException($"{p}'s {r.FamiliarString}")),
        Platform.Parse("linux/arm64"));

    private static IReadOnlyList<Stage> Stages() => StageGraph.Build(
        InstructionParser.Parse(DockerfileParser.Parse(Dockerfile, "Dockerfile")),
        new StageGraphOptions { BuildPlatform = "linux/amd64", TargetPlatform = "linux/arm64" }, '\\').Graph!.Required;

    [Fact]
    public async Task Copy_from_an_image_in_a_stage_on_the_build_platform_takes_the_build_platforms_image()
    {
        var builder = Stages().Single(s => s.Name == "builder");

        var error = await Assert.ThrowsAsync<BuildException>(() => Images.ForCopyAsync("tools:1", builder, TestContext.Current.CancellationToken));
        Assert.EndsWith("linux/amd64's tools:1", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<BuildException>(() => Images.LayersAsync("tools:1", builder, TestContext.Current.CancellationToken));
        Assert.Equal("linux/amd64's tools:1", error.Message);
    }

    [Fact]
    public async Task Copy_from_an_image_in_a_stage_on_the_target_takes_the_targets_image()
    {
        var final = Stages().Single(s => s.Name is null);

        var error = await Assert.ThrowsAsync<BuildException>(() => Images.ForCopyAsync("tools:1", final, TestContext.Current.CancellationToken));
        Assert.EndsWith("linux/arm64's tools:1", error.Message, StringComparison.Ordinal);
    }
}
