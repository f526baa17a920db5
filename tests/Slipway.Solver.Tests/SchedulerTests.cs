namespace Slipway.Solver.Tests;

public class SchedulerTests
{
    private static async Task<(int Result, List<SolveEvent> Events)> Solve(SumExecutor executor, Vertex target, int parallel = 4)
    {
        var events = new List<SolveEvent>();
        using var scheduler = new Scheduler<Sum>(executor, parallel, e => { lock (events) { events.Add(e); } });
        var solved = await scheduler.SolveAsync([target], CancellationToken.None);
        return (solved[0].Result.Value, events);
    }

    [Fact]
    public async Task A_sum_of_a_diamond_runs_each_vertex_once()
    {
        var a = new ToyVertex("a", 1);
        var b = new ToyVertex("b", 2, a);
        var c = new ToyVertex("c", 3, a);
        var d = new ToyVertex("d", 4, b, c);
        var executor = new SumExecutor();
        var (result, _) = await Solve(executor, d);
        Assert.Equal(4 + (2 + 1) + (3 + 1), result);
        Assert.Equal(["a", "b", "c", "d"], executor.Executed.Order().ToList());
    }

    [Fact]
    public async Task Every_solved_vertex_is_listed_with_its_key_and_whether_it_came_from_the_cache()
    {
        var executor = new SumExecutor();
        await Solve(executor, new ToyVertex("b", 2, new ToyVertex("a", 1)));
        var a = new ToyVertex("a", 1);
        var c = new ToyVertex("c", 3, a);
        var d = new ToyVertex("d", 4, c, new ToyVertex("b", 2, a));
        using var scheduler = new Scheduler<Sum>(executor, 2);
        var solved = await scheduler.SolveAsync([d], CancellationToken.None);

        var all = scheduler.SolvedVertices().ToDictionary(s => s.Key.Name, s => s.Value);
        Assert.Equal(["a", "b", "c", "d"], all.Keys.Order());
        Assert.True(all["a"].FromCache);
        Assert.True(all["b"].FromCache);
        Assert.False(all["c"].FromCache);
        Assert.Equal(solved[0].CacheKey, all["d"].CacheKey);
    }

    [Fact]
    public async Task A_second_solve_of_the_same_graph_is_all_cached()
    {
        var executor = new SumExecutor();
        var a = new ToyVertex("a", 1);
        var b = new ToyVertex("b", 2, a);
        await Solve(executor, b);
        var (result, events) = await Solve(executor, new ToyVertex("b", 2, new ToyVertex("a", 1)));
        Assert.Equal(3, result);
        Assert.All(events, e => Assert.Equal(VertexState.Cached, e.State));
        Assert.Equal(2, executor.Executed.Count);
    }

    [Fact]
    public async Task A_change_upstream_reruns_everything_below_it_and_nothing_above()
    {
        var executor = new SumExecutor();
        await Solve(executor, new ToyVertex("c", 3, new ToyVertex("b", 2, new ToyVertex("a", 1))));
        executor.Executed.Clear();
        await Solve(executor, new ToyVertex("c", 3, new ToyVertex("b", 20, new ToyVertex("a", 1))));
        Assert.Equal(["b", "c"], executor.Executed.ToList());
    }

    [Fact]
    public async Task Changed_content_changes_the_key_of_the_vertex_that_reads_it()
    {
        var executor = new SumExecutor();
        executor.Content["copy"] = "v1";
        await Solve(executor, new ToyVertex("run", 1, new ToyVertex("copy", 1)));
        executor.Executed.Clear();
        executor.Content["copy"] = "v2";
        await Solve(executor, new ToyVertex("run", 1, new ToyVertex("copy", 1)));
        Assert.Equal(["copy", "run"], executor.Executed.ToList());
    }

    [Fact]
    public async Task An_input_keyed_by_content_that_changed_but_made_the_same_content_leaves_the_reader_cached()
    {
        var executor = new SumExecutor();
        executor.Content["copy"] = "same files";
        ToyVertex Graph(int builder) => new("copy", 1, new ToyVertex("base", 1), new ToyVertex("builder", builder)) { ByContent = new HashSet<int> { 1 } };
        await Solve(executor, Graph(2));
        executor.Executed.Clear();

        await Solve(executor, Graph(3));
        Assert.Equal(["builder"], executor.Executed.ToList());
        executor.Executed.Clear();

        executor.Content["copy"] = "other files";
        await Solve(executor, Graph(4));
        Assert.Equal(["builder", "copy"], executor.Executed.ToList());
    }

    [Fact]
    public async Task A_miss_carries_the_executors_explanation_on_its_start_and_a_hit_carries_none()
    {
        var executor = new SumExecutor();
        await Solve(executor, new ToyVertex("b", 2, new ToyVertex("a", 1)));
        var (_, events) = await Solve(executor, new ToyVertex("b", 2, new ToyVertex("a", 5)));

        Assert.Equal("not in the toy cache", Assert.Single(events, e => e.Vertex.Name == "a" && e.State == VertexState.Started).CacheMiss);
        Assert.All(events.Where(e => e.State != VertexState.Started), e => Assert.Null(e.CacheMiss));
        var (_, again) = await Solve(executor, new ToyVertex("b", 2, new ToyVertex("a", 5)));
        Assert.All(again, e => Assert.Null(e.CacheMiss));
    }

    [Fact]
    public async Task Independent_vertices_run_in_parallel_up_to_the_limit()
    {
        var executor = new SumExecutor();
        var leaves = Enumerable.Range(0, 6)
            .Select(i => (Vertex)new ToyVertex($"leaf{i}", i) { Delay = TimeSpan.FromMilliseconds(100) })
            .ToArray();
        await Solve(executor, new ToyVertex("top", 0, leaves), parallel: 3);
        Assert.Equal(3, executor.MaxRunning);
    }

    [Fact]
    public async Task The_first_failure_fails_the_solve_and_cancels_the_rest()
    {
        var executor = new SumExecutor();
        var slow = new ToyVertex("slow", 1) { Delay = TimeSpan.FromSeconds(30) };
        var bad = new ToyVertex("bad", 1) { Fails = true };
        var top = new ToyVertex("top", 0, slow, bad);
        var events = new List<SolveEvent>();
        using var scheduler = new Scheduler<Sum>(executor, 4, e => { lock (events) { events.Add(e); } });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => scheduler.SolveAsync([top], CancellationToken.None));
        Assert.Equal("bad failed", error.Message);
        Assert.Contains(events, e => e.Vertex == slow && e.State == VertexState.Canceled);
        Assert.DoesNotContain(executor.Executed, n => n == "top");
    }

    [Fact]
    public async Task A_vertex_that_must_not_be_cached_runs_every_time()
    {
        var executor = new SumExecutor();
        await Solve(executor, new ToyVertex("a", 1) { NoCache = true });
        await Solve(executor, new ToyVertex("a", 1) { NoCache = true });
        Assert.Equal(2, executor.Executed.Count);
    }
}
