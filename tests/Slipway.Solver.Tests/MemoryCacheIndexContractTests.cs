using Slipway.Testing;

namespace Slipway.Solver.Tests;

/// <summary>The cache index contract run against the in-memory index the scheduler tests use, so that what they
/// show holds for an index that behaves as the real ones do.</summary>
public sealed class MemoryCacheIndexContractTests : CacheIndexContract<object>
{
    private sealed record Result(int Seed);

    protected override Task<ICacheIndex<object>> CreateAsync() => Task.FromResult<ICacheIndex<object>>(new MemoryCacheIndex<object>());

    protected override Task<object> ResultAsync(ICacheIndex<object> index, int seed) => Task.FromResult<object>(new Result(seed));

    protected override bool Same(object saved, object loaded) => Equals(saved, loaded);

    protected override Task LoseContentAsync(ICacheIndex<object> index, object result)
    {
        ((MemoryCacheIndex<object>)index).Lose(result);
        return Task.CompletedTask;
    }

    protected override Task<ICacheIndex<object>> WithMalformedRecordAsync(CacheKey key)
    {
        var index = new MemoryCacheIndex<object>();
        index.PutMalformed(key);
        return Task.FromResult<ICacheIndex<object>>(index);
    }
}
