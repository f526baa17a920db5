namespace Slipway.Solver;

/// <summary>The outcome of a vertex: its result and the cache key it was stored or found under.</summary>
public sealed record Solved<TResult>(TResult Result, CacheKey CacheKey, bool FromCache)
{
    /// <summary>For a vertex that missed: where its miss began (itself and why, or the input it came from), which
    /// "parent step changed" names for the vertices below it.</summary>
    public string? MissOrigin { get; init; }
}

/// <summary>Solves a graph: each vertex once, as soon as its inputs are done, independent vertices in parallel
/// (bounded), the first failure cancelling the rest. It owns the cache decision: the key from each op's cache
/// map, the indexes asked in order, the explanation of a miss, the result saved and the build remembered.</summary>
public sealed partial class Scheduler<TResult> : IDisposable
    where TResult : class
{
    private readonly Func<Vertex, IOp<TResult>> _resolve;
    private readonly SolveCache<TResult> _cache;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _slots;
    private readonly Action<SolveEvent> _onEvent;
    private readonly Dictionary<Vertex, Task<Solved<TResult>>> _tasks = [];
    private readonly Dictionary<CacheKey, Task<Solved<TResult>>> _byKey = [];
    private readonly Lock _gate = new();
    private int _numbers;

    /// <param name="resolve">The op of a vertex (called once per vertex).</param>
    /// <param name="cache">The indexes asked for each key, and the history that explains a miss.</param>
    /// <param name="maxParallel">How many vertices run at once.</param>
    /// <param name="time">Times each vertex for its events.</param>
    /// <param name="onEvent">Told of each vertex as it starts, hits the cache, completes, fails or is canceled.</param>
    public Scheduler(Func<Vertex, IOp<TResult>> resolve, SolveCache<TResult> cache, int maxParallel, TimeProvider time,
        Action<SolveEvent>? onEvent = null)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallel, 1);
        _resolve = resolve;
        _cache = cache;
        _time = time;
        _slots = new SemaphoreSlim(maxParallel, maxParallel);
        _onEvent = onEvent ?? (_ => { });
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>Solves <paramref name="targets"/> and everything they need; nothing else runs.</summary>
    public async Task<IReadOnlyList<Solved<TResult>>> SolveAsync(IReadOnlyList<Vertex> targets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = targets.Select(t => Schedule(t, failFast)).ToList();
        try
        {
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch
        {
            await failFast.CancelAsync().ConfigureAwait(false);
            // Let every started vertex finish or observe cancellation before the caller cleans up.
            Task<Solved<TResult>>[] all;
            lock (_gate)
            {
                all = [.. _tasks.Values];
            }

            await Task.WhenAll(all).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Every vertex solved so far with its outcome, in no particular order; vertices that failed, were
    /// cancelled or are still running are left out. After <see cref="SolveAsync"/> this is the whole graph the
    /// targets needed (what a cache export in mode=max ships).</summary>
    public IReadOnlyList<KeyValuePair<Vertex, Solved<TResult>>> SolvedVertices()
    {
        lock (_gate)
        {
            return [.. _tasks.Where(t => t.Value.IsCompletedSuccessfully).Select(t => KeyValuePair.Create(t.Key, t.Value.Result))];
        }
    }

    private Task<Solved<TResult>> Schedule(Vertex vertex, CancellationTokenSource failFast)
    {
        lock (_gate)
        {
            if (_tasks.TryGetValue(vertex, out var existing))
            {
                return existing;
            }

            var inputs = vertex.Inputs.Select(i => Schedule(i, failFast)).ToList();
            var task = RunAsync(vertex, inputs, failFast);
            _tasks[vertex] = task;
            return task;
        }
    }

    private async Task<Solved<TResult>> RunAsync(Vertex vertex, List<Task<Solved<TResult>>> inputTasks, CancellationTokenSource failFast)
    {
        var token = failFast.Token;
        Solved<TResult>[] inputs;
        try
        {
            inputs = await Task.WhenAll(inputTasks).ConfigureAwait(false);
        }
        catch
        {
            await failFast.CancelAsync().ConfigureAwait(false);
            throw;
        }

        var number = Interlocked.Increment(ref _numbers);
        var results = inputs.Select(i => i.Result).ToList();
        var inputKeys = inputs.Select(i => i.CacheKey).ToList();
        var started = _time.GetTimestamp();
        CacheKey? key = null;
        try
        {
            token.ThrowIfCancellationRequested();
            var op = _resolve(vertex);
            var map = await op.CacheMapAsync(results, token).ConfigureAwait(false);
            key = CacheKey.For(map, inputKeys);
            TaskCompletionSource<Solved<TResult>>? first = null;
            Task<Solved<TResult>>? twin;
            lock (_gate)
            {
                if (!_byKey.TryGetValue(key.Value, out twin))
                {
                    first = new TaskCompletionSource<Solved<TResult>>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _byKey[key.Value] = first.Task;
                }
            }

            if (twin is not null)
            {
                // Another vertex has this key (a step of a builder stage every target platform shares): it runs
                // once, as BuildKit merges vertices of one digest, and this one takes its result.
                var same = await twin.WaitAsync(token).ConfigureAwait(false);
                _onEvent(new SolveEvent(number, vertex, VertexState.Cached, key, _time.GetElapsedTime(started)));
                return new Solved<TResult>(op.Revive(same.Result, results), key.Value, true);
            }

            try
            {
                var solved = await SolveKeyedAsync(vertex, op, map, key.Value, inputs, number, started, token).ConfigureAwait(false);
                first!.SetResult(solved);
                return solved;
            }
            catch (Exception ex)
            {
                first!.SetException(ex);
                // Nothing else may be waiting: observed here so an unawaited failure is not reported again.
                _ = first.Task.Exception;
                throw;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            _onEvent(new SolveEvent(number, vertex, VertexState.Canceled, key, _time.GetElapsedTime(started)));
            throw;
        }
        catch (Exception ex)
        {
            _onEvent(new SolveEvent(number, vertex, VertexState.Failed, key, _time.GetElapsedTime(started), ex.Message));
            await failFast.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The cache answers <paramref name="vertex"/>, else its op runs (in a slot) and its result is saved.</summary>
    private async Task<Solved<TResult>> SolveKeyedAsync(Vertex vertex, IOp<TResult> op, CacheMap map, CacheKey key, Solved<TResult>[] inputs,
        int number, long started, CancellationToken token)
    {
        var results = inputs.Select(i => i.Result).ToList();
        var inputKeys = inputs.Select(i => i.CacheKey).ToList();
        if (vertex.IgnoreCache is null && await LoadAsync(op, key, results, token).ConfigureAwait(false) is { } cached)
        {
            await RememberAsync(vertex, map, key, inputKeys, token).ConfigureAwait(false);
            _onEvent(new SolveEvent(number, vertex, VertexState.Cached, key, _time.GetElapsedTime(started)));
            return new Solved<TResult>(cached, key, true);
        }

        var miss = await ExplainAsync(vertex, map, key, inputs, token).ConfigureAwait(false);
        await _slots.WaitAsync(token).ConfigureAwait(false);
        try
        {
            _onEvent(new SolveEvent(number, vertex, VertexState.Started, key, _time.GetElapsedTime(started), Miss: miss));
            var result = await op.ExecAsync(results, map, token).ConfigureAwait(false);
            await _cache.Local.SaveAsync(key, result, token).ConfigureAwait(false);
            await RememberAsync(vertex, map, key, inputKeys, token).ConfigureAwait(false);
            _onEvent(new SolveEvent(number, vertex, VertexState.Completed, key, _time.GetElapsedTime(started)));
            return new Solved<TResult>(result, key, false) { MissOrigin = Origin(vertex, miss) };
        }
        finally
        {
            _slots.Release();
        }
    }
}
