namespace Slipway.Solver.Tests;

public class SchedulerTests
{
    /// <summary>One toy world: ops, a local index, imported indexes and a history that outlive a solve.</summary>
    private sealed class Toys
    {
        public SumOps Ops { get; } = new();

        public MemoryCacheIndex<Sum> Local { get; } = new();

        public List<MemoryCacheIndex<Sum>> Imported { get; } = [];

        public MemoryHistory History { get; } = new();

        public Scheduler<Sum> Scheduler(int parallel, List<SolveEvent> events) =>
            new(Ops.For, new SolveCache<Sum> { Local = Local, Imported = Imported, History = History }, parallel, TimeProvider.System, e =>
            {
                lock (events)
                {
                    events.Add(e);
                }
            });

        public async Task<(Sum Result, List<SolveEvent> Events)> SolveAsync(Vertex target, int parallel = 4)
        {
            var events = new List<SolveEvent>();
            using var scheduler = Scheduler(parallel, events);
            var solved = await scheduler.SolveAsync([target], CancellationToken.None);
            return (solved[0].Result, events);
        }
    }

    private static MissReason? MissOf(List<SolveEvent> events, string name) =>
        Assert.Single(events, e => e.Vertex.Name == name && e.State == VertexState.Started).Miss;

    [Fact]
    public async Task A_sum_of_a_diamond_runs_each_vertex_once()
    {
        var a = new ToyVertex("a", 1);
        var b = new ToyVertex("b", 2, a);
        var c = new ToyVertex("c", 3, a);
        var d = new ToyVertex("d", 4, b, c);
        var toys = new Toys();
        var (result, _) = await toys.SolveAsync(d);
        Assert.Equal(4 + (2 + 1) + (3 + 1), result.Value);
        Assert.Equal(["a", "b", "c", "d"], toys.Ops.Executed.Order().ToList());
    }

    [Fact]
    public async Task Two_vertices_of_one_key_run_once_and_the_second_takes_the_first_ones_result()
    {
        // Two targets that share a step (a builder stage every target platform runs on the build platform).
        var first = new ToyVertex("d", 4, new ToyVertex("a", 1) { Delay = TimeSpan.FromMilliseconds(50) });
        var second = new ToyVertex("d", 4, new ToyVertex("a", 1) { Delay = TimeSpan.FromMilliseconds(50) });
        var toys = new Toys();
        var events = new List<SolveEvent>();
        using var scheduler = toys.Scheduler(4, events);

        var solved = await scheduler.SolveAsync([first, second], CancellationToken.None);

        Assert.Equal(["a", "d"], toys.Ops.Executed.Order().ToList());
        Assert.Equal(solved[0].CacheKey, solved[1].CacheKey);
        Assert.Equal(5, solved[1].Result.Value);
        Assert.Equal(2, events.Count(e => e.State == VertexState.Completed));
        Assert.Equal(2, events.Count(e => e.State == VertexState.Cached));
    }

    [Fact]
    public async Task Every_solved_vertex_is_listed_with_its_key_and_whether_it_came_from_the_cache()
    {
        var toys = new Toys();
        await toys.SolveAsync(new ToyVertex("b", 2, new ToyVertex("a", 1)));
        var a = new ToyVertex("a", 1);
        var c = new ToyVertex("c", 3, a);
        var d = new ToyVertex("d", 4, c, new ToyVertex("b", 2, a));
        using var scheduler = toys.Scheduler(2, []);
        var solved = await scheduler.SolveAsync([d], CancellationToken.None);

        var all = scheduler.SolvedVertices().ToDictionary(s => s.Key.Name, s => s.Value);
        Assert.Equal(["a", "b", "c", "d"], all.Keys.Order());
        Assert.True(all["a"].FromCache);
        Assert.True(all["b"].FromCache);
        Assert.False(all["c"].FromCache);
        Assert.Equal(solved[0].CacheKey, all["d"].CacheKey);
    }

    [Fact]
    public async Task A_second_solve_of_the_same_graph_is_all_cached_and_revived()
    {
        var toys = new Toys();
        await toys.SolveAsync(new ToyVertex("b", 2, new ToyVertex("a", 1)));
        var (result, events) = await toys.SolveAsync(new ToyVertex("b", 2, new ToyVertex("a", 1)));
        Assert.Equal(new Sum(3, Revived: true), result);
        Assert.All(events, e => Assert.Equal(VertexState.Cached, e.State));
        Assert.Equal(2, toys.Ops.Executed.Count);
    }

    [Fact]
    public async Task A_result_that_ran_is_saved_under_its_key_in_the_local_index_only()
    {
        var toys = new Toys();
        var imported = new MemoryCacheIndex<Sum>();
        toys.Imported.Add(imported);
        using var scheduler = toys.Scheduler(1, []);
        var solved = await scheduler.SolveAsync([new ToyVertex("a", 1)], CancellationToken.None);

        Assert.Equal([solved[0].CacheKey], toys.Local.Saved);
        Assert.Empty(imported.Saved);
    }

    [Fact]
    public async Task The_key_is_the_recipe_over_the_cache_map_and_the_input_keys()
    {
        var toys = new Toys();
        toys.Ops.Content["b"] = "files";
        var a = new ToyVertex("a", 1);
        var b = new ToyVertex("b", 2, a);
        using var scheduler = toys.Scheduler(1, []);
        await scheduler.SolveAsync([b], CancellationToken.None);
        var keys = scheduler.SolvedVertices().ToDictionary(s => s.Key.Name, s => s.Value.CacheKey);

        Assert.Equal(CacheKey.Compute(a.OperationDigest, [], null), keys["a"]);
        Assert.Equal(CacheKey.Compute(b.OperationDigest, [keys["a"].Digest], Oci.Digest.Compute("files"u8)), keys["b"]);
    }

    [Fact]
    public async Task A_key_the_local_index_misses_is_answered_by_the_imported_indexes_in_order()
    {
        var seeded = new Toys();
        await seeded.SolveAsync(new ToyVertex("a", 1));
        var key = Assert.Single(seeded.Local.Saved);
        var toys = new Toys();
        var first = new MemoryCacheIndex<Sum>();
        var second = new MemoryCacheIndex<Sum>();
        await first.SaveAsync(key, new Sum(10), CancellationToken.None);
        await second.SaveAsync(key, new Sum(20), CancellationToken.None);
        toys.Imported.AddRange([first, second]);

        var (result, events) = await toys.SolveAsync(new ToyVertex("a", 1));

        Assert.Equal(new Sum(10, Revived: true), result);
        Assert.Equal(VertexState.Cached, Assert.Single(events).State);
        Assert.Empty(toys.Ops.Executed);
    }

    [Fact]
    public async Task A_record_whose_content_is_gone_falls_through_to_the_next_index_and_else_runs()
    {
        var toys = new Toys();
        var (first, _) = await toys.SolveAsync(new ToyVertex("a", 1));
        toys.Local.Lose(first);
        var imported = new MemoryCacheIndex<Sum>();
        var seven = new Sum(7);
        await imported.SaveAsync(Assert.Single(toys.Local.Saved), seven, CancellationToken.None);
        toys.Imported.Add(imported);

        var (result, _) = await toys.SolveAsync(new ToyVertex("a", 1));
        Assert.Equal(7, result.Value);

        imported.Lose(seven);
        var (again, events) = await toys.SolveAsync(new ToyVertex("a", 1));
        Assert.Equal(new Sum(1), again);
        Assert.IsType<MissReason.Evicted>(MissOf(events, "a"));
    }

    [Fact]
    public async Task A_change_upstream_reruns_everything_below_it_and_nothing_above()
    {
        var toys = new Toys();
        await toys.SolveAsync(new ToyVertex("c", 3, new ToyVertex("b", 2, new ToyVertex("a", 1))));
        toys.Ops.Executed.Clear();
        await toys.SolveAsync(new ToyVertex("c", 3, new ToyVertex("b", 20, new ToyVertex("a", 1))));
        Assert.Equal(["b", "c"], toys.Ops.Executed.ToList());
    }

    [Fact]
    public async Task Changed_content_changes_the_key_of_the_vertex_that_reads_it()
    {
        var toys = new Toys();
        toys.Ops.Content["copy"] = "v1";
        await toys.SolveAsync(new ToyVertex("run", 1, new ToyVertex("copy", 1)));
        toys.Ops.Executed.Clear();
        toys.Ops.Content["copy"] = "v2";
        await toys.SolveAsync(new ToyVertex("run", 1, new ToyVertex("copy", 1)));
        Assert.Equal(["copy", "run"], toys.Ops.Executed.ToList());
    }

    [Fact]
    public async Task An_input_keyed_by_content_that_changed_but_made_the_same_content_leaves_the_reader_cached()
    {
        var toys = new Toys();
        toys.Ops.Content["copy"] = "same files";
        ToyVertex Graph(int builder) => new("copy", 1, new ToyVertex("base", 1), new ToyVertex("builder", builder)) { ByContent = new HashSet<int> { 1 } };
        await toys.SolveAsync(Graph(2));
        toys.Ops.Executed.Clear();

        await toys.SolveAsync(Graph(3));
        Assert.Equal(["builder"], toys.Ops.Executed.ToList());
        toys.Ops.Executed.Clear();

        toys.Ops.Content["copy"] = "other files";
        await toys.SolveAsync(Graph(4));
        Assert.Equal(["builder", "copy"], toys.Ops.Executed.ToList());
    }

    [Fact]
    public async Task A_first_build_misses_with_no_previous_build_and_a_hit_carries_no_reason()
    {
        var toys = new Toys();
        var (_, events) = await toys.SolveAsync(new ToyVertex("a", 1));
        Assert.IsType<MissReason.NoPreviousBuild>(MissOf(events, "a"));
        Assert.All(events.Where(e => e.State != VertexState.Started), e => Assert.Null(e.Miss));

        var (_, again) = await toys.SolveAsync(new ToyVertex("a", 1));
        Assert.All(again, e => Assert.Null(e.Miss));
    }

    [Fact]
    public async Task A_miss_names_what_changed_and_the_steps_below_name_where_the_change_began()
    {
        var toys = new Toys();
        await toys.SolveAsync(new ToyVertex("c", 3, new ToyVertex("b", 2, new ToyVertex("a", 1))));
        var (_, events) = await toys.SolveAsync(new ToyVertex("c", 3, new ToyVertex("b", 2, new ToyVertex("a", 5))));

        var changed = Assert.IsType<MissReason.InputsChanged>(MissOf(events, "a"));
        Assert.Equal(["value: 1 → 5"], changed.Changes);
        Assert.Equal("value: 1 → 5", changed.Text);
        Assert.Equal("parent step changed: a (value: 1 → 5)", MissOf(events, "b")!.Text);
        Assert.Equal(new MissReason.ParentChanged("a (value: 1 → 5)"), MissOf(events, "c"));
        Assert.Equal("value: 1 → 5", Assert.Single(events, e => e.Vertex.Name == "a" && e.State == VertexState.Started).CacheMiss);
    }

    [Fact]
    public async Task A_vertex_that_must_not_be_cached_runs_every_time_says_why_and_reads_no_history()
    {
        var toys = new Toys();
        await toys.SolveAsync(new ToyVertex("a", 1) { NoCache = "--no-cache" });
        toys.History.Records.Clear();
        var (_, events) = await toys.SolveAsync(new ToyVertex("b", 2, new ToyVertex("a", 1) { NoCache = "--no-cache" }));

        Assert.Equal(2, toys.Ops.Executed.Count(n => n == "a"));
        Assert.Equal(new MissReason.NotCacheable("--no-cache"), MissOf(events, "a"));
        Assert.Equal("--no-cache", MissOf(events, "a")!.Text);
        Assert.IsType<MissReason.NoPreviousBuild>(MissOf(events, "b"));
    }

    [Fact]
    public async Task The_same_key_whose_result_is_gone_is_evicted_and_another_key_over_the_same_inputs_is_a_recipe_change()
    {
        var toys = new Toys();
        var (first, _) = await toys.SolveAsync(new ToyVertex("a", 1));
        toys.Local.Lose(first);
        var (_, evicted) = await toys.SolveAsync(new ToyVertex("a", 1));
        Assert.Equal("its cached result is no longer in the store", MissOf(evicted, "a")!.Text);

        var (_, moved) = await toys.SolveAsync(new ToyVertex("a", 1) { Salt = "moved" });
        Assert.Equal("the step moved in its stage or the cache key recipe changed", MissOf(moved, "a")!.Text);
    }

    [Fact]
    public async Task Every_solved_vertex_is_remembered_with_its_key_and_its_inputs_keys()
    {
        var toys = new Toys();
        using var scheduler = toys.Scheduler(1, []);
        await scheduler.SolveAsync([new ToyVertex("b", 2, new ToyVertex("a", 1))], CancellationToken.None);
        var keys = scheduler.SolvedVertices().ToDictionary(s => s.Key.Name, s => s.Value.CacheKey);

        Assert.Equal(keys["b"], toys.History.Records["b"].Key);
        Assert.Equal([keys["a"]], toys.History.Records["b"].Parents);
        Assert.Equal([KeyValuePair.Create("value", "2")], toys.History.Records["b"].Facts.Values);
    }

    [Fact]
    public async Task Independent_vertices_run_in_parallel_up_to_the_limit()
    {
        var toys = new Toys();
        var leaves = Enumerable.Range(0, 6)
            .Select(i => (Vertex)new ToyVertex($"leaf{i}", i) { Delay = TimeSpan.FromMilliseconds(100) })
            .ToArray();
        await toys.SolveAsync(new ToyVertex("top", 0, leaves), parallel: 3);
        Assert.Equal(3, toys.Ops.MaxRunning);
    }

    [Fact]
    public async Task The_first_failure_fails_the_solve_and_cancels_the_rest()
    {
        var toys = new Toys();
        var slow = new ToyVertex("slow", 1) { Delay = TimeSpan.FromSeconds(30) };
        var bad = new ToyVertex("bad", 1) { Fails = true };
        var top = new ToyVertex("top", 0, slow, bad);
        var events = new List<SolveEvent>();
        using var scheduler = toys.Scheduler(4, events);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => scheduler.SolveAsync([top], CancellationToken.None));
        Assert.Equal("bad failed", error.Message);
        Assert.Contains(events, e => e.Vertex == slow && e.State == VertexState.Canceled);
        Assert.DoesNotContain(toys.Ops.Executed, n => n == "top");
    }
}
