using Slipway.Build.Export;

namespace Slipway.Build.Tests.Export;

public sealed class OutputSpecTests
{
    [Theory]
    [InlineData("out", OutputKind.Local, "out")]
    [InlineData("-", OutputKind.Tar, "-")]
    [InlineData("type=oci,dest=img.tar", OutputKind.Oci, "img.tar")]
    [InlineData("type=docker,dest=-", OutputKind.Docker, "-")]
    [InlineData("type=tar, dest = fs.tar", OutputKind.Tar, "fs.tar")]
    public void The_csv_form_and_its_shorthands_name_a_kind_and_a_destination(string value, OutputKind kind, string dest)
    {
        Assert.True(OutputSpec.TryParse(value, out var spec, out _));
        Assert.Equal((kind, dest, false), (spec.Kind, spec.Destination, spec.Push));
        Assert.Equal(dest == "-", spec.ToStandardOutput);
    }

    [Fact]
    public void A_registry_output_pushes_and_its_names_are_references()
    {
        Assert.True(OutputSpec.TryParse("type=registry,name=example.com/a:1", out var spec, out _));
        Assert.True(spec.Push);
        Assert.Equal(["example.com/a:1"], spec.Names.Select(n => n.ToString()));
        Assert.True(OutputSpec.TryParse("type=image,push=true", out spec, out _));
        Assert.True(spec.Push);
        Assert.Empty(spec.Names);
    }

    [Theory]
    [InlineData("dest=x", "--output needs type=")]
    [InlineData("type=s3", "unsupported --output type \"s3\" (image, oci, docker, tar, local, registry)")]
    [InlineData("type=local", "--output type=local needs dest=")]
    [InlineData("type=oci,dest=x,compression=zstd", "unsupported --output attribute \"compression\"")]
    public void A_malformed_output_says_what_is_wrong(string value, string message)
    {
        Assert.False(OutputSpec.TryParse(value, out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void A_bad_name_is_refused_with_the_reference_error()
    {
        Assert.False(OutputSpec.TryParse("type=image,name=Bad Name", out _, out var error));
        Assert.StartsWith("invalid reference \"Bad Name\": ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Type_docker_without_dest_loads_into_the_engine_as_load_does()
    {
        Assert.True(OutputSpec.TryParse("type=docker", out var spec, out _));
        Assert.True(spec.LoadsIntoEngine);
        Assert.Equal((OutputKind.Docker, null, false), (spec.Kind, spec.Destination, spec.Push));
        Assert.Empty(spec.Names);
        Assert.True(OutputSpec.Load.LoadsIntoEngine);
        Assert.True(OutputSpec.TryParse("type=docker,name=example.com/a:1", out spec, out _));
        Assert.True(spec.LoadsIntoEngine);
        Assert.Equal(["example.com/a:1"], spec.Names.Select(n => n.ToString()));
        Assert.True(OutputSpec.TryParse("type=docker,dest=x.tar", out spec, out _));
        Assert.False(spec.LoadsIntoEngine);
    }

    [Fact]
    public void Push_alone_pushes_the_builds_tags()
    {
        Assert.Equal((OutputKind.Registry, true), (OutputSpec.PushTags.Kind, OutputSpec.PushTags.Push));
        Assert.Empty(OutputSpec.PushTags.Names);
        Assert.Null(OutputSpec.PushTags.Destination);
    }
}
