using Slipway.Build.Cache;

namespace Slipway.Build.Tests.Cache;

public class CacheSpecTests
{
    [Fact]
    public void A_registry_export_defaults_to_mode_min_without_cache_mounts()
    {
        Assert.True(CacheExportSpec.TryParse("type=registry,ref=localhost:5000/cache/app:1", out var spec, out _));
        Assert.Equal(CacheType.Registry, spec!.Type);
        Assert.Equal("localhost:5000/cache/app:1", spec.Ref!.ToString());
        Assert.Equal(CacheMode.Min, spec.Mode);
        Assert.False(spec.CacheMounts);
    }

    [Fact]
    public void Mode_max_carries_cache_mounts_unless_told_not_to()
    {
        Assert.True(CacheExportSpec.TryParse("type=local,dest=/tmp/c,mode=max", out var max, out _));
        Assert.True(max!.CacheMounts);
        Assert.True(CacheExportSpec.TryParse("type=local,dest=/tmp/c,mode=max,cache-mounts=false", out var without, out _));
        Assert.False(without!.CacheMounts);
        Assert.True(CacheExportSpec.TryParse("type=local,dest=/tmp/c,cache-mounts=true", out var min, out _));
        Assert.True(min!.CacheMounts);
        Assert.Equal("/tmp/c", min.Dest);
    }

    [Fact]
    public void A_bare_reference_means_a_registry_cache()
    {
        Assert.True(CacheImportSpec.TryParse("localhost:5000/app:1", out var spec, out _));
        Assert.Equal(CacheType.Registry, spec!.Type);
        Assert.Equal("localhost:5000/app:1", spec.Ref!.ToString());
    }

    [Fact]
    public void An_import_ignores_the_export_only_mode()
    {
        Assert.True(CacheImportSpec.TryParse("type=local,src=/tmp/c,mode=max", out var spec, out _));
        Assert.Equal("/tmp/c", spec!.Src);
    }

    [Theory]
    [InlineData("type=s3,ref=x", "unknown cache exporter: \"s3\" (registry, local, inline)")]
    [InlineData("type=registry", "ref not set")]
    [InlineData("type=registry,ref=app/UPPER", "invalid ref \"app/UPPER\"")]
    [InlineData("type=local", "dest not set")]
    [InlineData("type=local,dest=/x,mode=all", "invalid cache mode \"all\" (min, max)")]
    [InlineData("type=local,dest=/x,cache-mounts=yes", "invalid cache-mounts value \"yes\"")]
    [InlineData("type=local,dest=/x,compression=zstd", "unknown attribute \"compression\" for type=local")]
    [InlineData("type=inline,mode=max", "type=inline supports only mode=min")]
    [InlineData("ref=x,mode=max", "type required form> \"ref=x,mode=max\"")]
    [InlineData("type=local,dest", "invalid value dest")]
    public void A_bad_export_spec_says_what_is_wrong(string text, string error)
    {
        Assert.False(CacheExportSpec.TryParse(text, out var spec, out var message));
        Assert.Null(spec);
        Assert.StartsWith(error, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("type=inline", "unknown cache importer: \"inline\"")]
    [InlineData("type=local", "src not set")]
    [InlineData("type=registry,src=/x", "ref not set")]
    public void A_bad_import_spec_says_what_is_wrong(string text, string error)
    {
        Assert.False(CacheImportSpec.TryParse(text, out _, out var message));
        Assert.StartsWith(error, message, StringComparison.Ordinal);
    }
}
