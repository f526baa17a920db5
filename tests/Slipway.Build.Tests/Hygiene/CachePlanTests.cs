using Slipway.Build.Hygiene;

namespace Slipway.Build.Tests.Hygiene;

public sealed class CachePlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static PrunableEntry Entry(string id, int hoursAgo, params string[] resources) => new(id, Now.AddHours(-hoursAgo), resources);

    [Fact]
    public void Keep_storage_removes_the_least_recently_used_first_until_the_rest_fits()
    {
        var entries = new[] { Entry("new", 1, "a"), Entry("old", 30, "b"), Entry("middle", 5, "c") };
        var sizes = new Dictionary<string, long> { ["a"] = 100, ["b"] = 100, ["c"] = 100 };
        Assert.Equal(["old"], CachePlan.Select(entries, sizes, 200, null).Select(e => e.Id));
        Assert.Equal(["old", "middle"], CachePlan.Select(entries, sizes, 150, null).Select(e => e.Id));
        Assert.Equal(["old", "middle", "new"], CachePlan.Select(entries, sizes, 0, null).Select(e => e.Id));
        Assert.Empty(CachePlan.Select(entries, sizes, 300, null));
    }

    [Fact]
    public void A_shared_resource_counts_once_and_is_freed_only_with_its_last_user()
    {
        var entries = new[] { Entry("old", 10, "shared", "x"), Entry("new", 1, "shared") };
        var sizes = new Dictionary<string, long> { ["shared"] = 1000, ["x"] = 10 };
        Assert.Equal(1010, CachePlan.Total(entries, sizes));
        // Removing "old" frees only x; the shared layer still counts, so "new" must go too.
        Assert.Equal(["old", "new"], CachePlan.Select(entries, sizes, 500, null).Select(e => e.Id));
        Assert.Equal(["old"], CachePlan.Select(entries, sizes, 1000, null).Select(e => e.Id));
    }

    [Fact]
    public void Until_limits_the_candidates_to_entries_last_used_before_it()
    {
        var entries = new[] { Entry("new", 1, "a"), Entry("old", 30, "b") };
        var sizes = new Dictionary<string, long> { ["a"] = 100, ["b"] = 100 };
        Assert.Equal(["old"], CachePlan.Select(entries, sizes, null, Now.AddHours(-24)).Select(e => e.Id));
        // With a limit too, recent entries stay even when the cache is still over it.
        Assert.Equal(["old"], CachePlan.Select(entries, sizes, 0, Now.AddHours(-24)).Select(e => e.Id));
    }

    [Fact]
    public void Resources_an_image_needs_have_no_size_and_never_count()
    {
        var entries = new[] { Entry("record", 3, "image-layer") };
        Assert.Equal(0, CachePlan.Total(entries, new Dictionary<string, long>()));
        Assert.Empty(CachePlan.Select(entries, new Dictionary<string, long>(), 0, null));
    }

    [Theory]
    [InlineData("until=24h", 24 * 60)]
    [InlineData("until=1h30m", 90)]
    [InlineData("until=90m", 90)]
    [InlineData("until=0.5h", 30)]
    public void Until_takes_go_durations(string filter, int minutesAgo)
    {
        Assert.True(PruneFilter.TryParse(filter, Now, out var until, out var error), error);
        Assert.Equal(Now.AddMinutes(-minutesAgo), until);
    }

    [Theory]
    [InlineData("until=2026-11-20T10:00:00Z")]
    [InlineData("until=1795168800")]
    public void Until_takes_timestamps(string filter)
    {
        Assert.True(PruneFilter.TryParse(filter, Now, out var until, out var error), error);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), until);
    }

    [Theory]
    [InlineData("until=yesterday")]
    [InlineData("label=x")]
    [InlineData("until=5d")]
    public void Other_filters_are_errors(string filter) => Assert.False(PruneFilter.TryParse(filter, Now, out _, out _));
}
