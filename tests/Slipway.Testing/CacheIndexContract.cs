using System.Text;
using Slipway.Oci;
using Slipway.Solver;

namespace Slipway.Testing;

/// <summary>What every <see cref="ICacheIndex{TResult}"/> must do, as BuildKit runs one cache storage test suite
/// against each of its storages: one derived class per implementation (the store's own cache, an imported cache
/// from a directory and from a registry, the in-memory index of the solver's tests) supplies an empty index,
/// results whose content is present, and the two ways a record goes bad.</summary>
public abstract class CacheIndexContract<TResult>
    where TResult : class
{
    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A new, empty index.</summary>
    protected abstract Task<ICacheIndex<TResult>> CreateAsync();

    /// <summary>A result, different for each <paramref name="seed"/>, whose content is present for <paramref name="index"/>.</summary>
    protected abstract Task<TResult> ResultAsync(ICacheIndex<TResult> index, int seed);

    /// <summary>Whether a loaded result is the one saved.</summary>
    protected abstract bool Same(TResult saved, TResult loaded);

    /// <summary>Removes the content <paramref name="result"/> refers to (a prune collected its blobs).</summary>
    protected abstract Task LoseContentAsync(ICacheIndex<TResult> index, TResult result);

    /// <summary>An index whose record of <paramref name="key"/> is malformed.</summary>
    protected abstract Task<ICacheIndex<TResult>> WithMalformedRecordAsync(CacheKey key);

    protected static CacheKey Key(string name) => new(Digest.Compute(Encoding.UTF8.GetBytes(name)));

    private static async Task<TResult?> HitAsync(ICacheIndex<TResult> index, CacheKey key) =>
        await index.QueryAsync(key, Token) is { } record ? await index.LoadAsync(record, Token) : null;

    [Fact]
    public async Task A_saved_result_is_found_under_its_key_and_loads_as_it_was()
    {
        var index = await CreateAsync();
        var result = await ResultAsync(index, 1);
        await index.SaveAsync(Key("a"), result, Token);

        var record = await index.QueryAsync(Key("a"), Token);

        Assert.NotNull(record);
        Assert.Equal(Key("a"), record.Key);
        var loaded = await index.LoadAsync(record, Token);
        Assert.NotNull(loaded);
        Assert.True(Same(result, loaded));
    }

    [Fact]
    public async Task An_unknown_key_is_a_miss()
    {
        var index = await CreateAsync();
        await index.SaveAsync(Key("a"), await ResultAsync(index, 1), Token);

        Assert.Null(await index.QueryAsync(Key("b"), Token));
    }

    [Fact]
    public async Task A_record_whose_content_is_gone_is_a_miss_not_an_error()
    {
        var index = await CreateAsync();
        var result = await ResultAsync(index, 1);
        await index.SaveAsync(Key("a"), result, Token);

        await LoseContentAsync(index, result);

        Assert.Null(await HitAsync(index, Key("a")));
    }

    [Fact]
    public async Task A_malformed_record_is_a_miss_not_an_error()
    {
        var index = await WithMalformedRecordAsync(Key("bad"));

        Assert.Null(await HitAsync(index, Key("bad")));
    }

    [Fact]
    public async Task Records_lists_every_saved_key_once()
    {
        var index = await CreateAsync();
        var before = (await index.RecordsAsync(Token)).Select(r => r.Key).ToHashSet();
        foreach (var name in new[] { "a", "b", "c", "a" })
        {
            await index.SaveAsync(Key(name), await ResultAsync(index, name[0]), Token);
        }

        var keys = (await index.RecordsAsync(Token)).Select(r => r.Key).Where(k => !before.Contains(k)).ToList();

        Assert.Equal(new[] { Key("a"), Key("b"), Key("c") }.OrderBy(k => k.Value, StringComparer.Ordinal),
            keys.OrderBy(k => k.Value, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Prune_removes_the_named_records_and_only_those()
    {
        var index = await CreateAsync();
        await index.SaveAsync(Key("a"), await ResultAsync(index, 1), Token);
        await index.SaveAsync(Key("b"), await ResultAsync(index, 2), Token);

        var removed = await index.PruneAsync([Key("a"), Key("never saved")], Token);

        Assert.Equal(1, removed);
        Assert.Null(await index.QueryAsync(Key("a"), Token));
        Assert.NotNull(await HitAsync(index, Key("b")));
        Assert.DoesNotContain(await index.RecordsAsync(Token), r => r.Key == Key("a"));
    }

    [Fact]
    public async Task A_later_save_of_a_key_replaces_its_record()
    {
        var index = await CreateAsync();
        await index.SaveAsync(Key("a"), await ResultAsync(index, 1), Token);
        var second = await ResultAsync(index, 2);
        await index.SaveAsync(Key("a"), second, Token);

        var loaded = await HitAsync(index, Key("a"));

        Assert.NotNull(loaded);
        Assert.True(Same(second, loaded));
    }

    [Fact]
    public async Task Concurrent_saves_of_one_key_leave_one_whole_record()
    {
        var index = await CreateAsync();
        var results = new List<TResult>();
        for (var seed = 1; seed <= 8; seed++)
        {
            results.Add(await ResultAsync(index, seed));
        }

        await Task.WhenAll(results.Select(r => Task.Run(async () => await index.SaveAsync(Key("a"), r, Token), Token)));

        var loaded = await HitAsync(index, Key("a"));
        Assert.NotNull(loaded);
        Assert.Contains(results, r => Same(r, loaded));
        Assert.Single(await index.RecordsAsync(Token), r => r.Key == Key("a"));
    }
}
