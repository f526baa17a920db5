using System.Diagnostics;
using Slipway.Oci;

namespace Slipway.Solver;

/// <summary>The outcome of a vertex: its result and the cache key it was stored or found under.</summary>
public sealed record Solved<TResult>(TResult Result, Digest CacheKey, bool FromCache);

/// <summary>Solves a graph: each vertex once, as soon as its inputs are done, independent vertices in parallel
/// (bounded), the first failure cancelling the rest.</summary>
public sealed class Scheduler<TResult> : IDisposable
    where TResult : class
{
    private readonly IExecutor<TResult> _executor;
    private readonly SemaphoreSlim _slots;
    private readonly Action<SolveEvent> _onEvent;
    private readonly Dictionary<Vertex, Task<Solved<TResult>>> _tasks = [];
    private readonly Lock _gate = new();
    private int _numbers;

    public Scheduler(IExecutor<TResult> executor, int maxParallel, Action<SolveEvent>? onEvent = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallel, 1);
        _executor = executor;
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
        var clock = Stopwatch.StartNew();
        Digest? key = null;
        try
        {
            token.ThrowIfCancellationRequested();
            var content = await _executor.ContentDigestAsync(vertex, results, token).ConfigureAwait(false);
            key = CacheKey.For(vertex, [.. inputs.Select(i => i.CacheKey)], content);
            if (vertex.Cacheable)
            {
                var cached = await _executor.LoadCachedAsync(vertex, results, key.Value, token).ConfigureAwait(false);
                if (cached is not null)
                {
                    _onEvent(new SolveEvent(number, vertex, VertexState.Cached, key, clock.Elapsed));
                    return new Solved<TResult>(cached, key.Value, true);
                }
            }

            var miss = await _executor.ExplainMissAsync(vertex, key.Value, token).ConfigureAwait(false);
            await _slots.WaitAsync(token).ConfigureAwait(false);
            try
            {
                _onEvent(new SolveEvent(number, vertex, VertexState.Started, key, clock.Elapsed, CacheMiss: miss));
                var result = await _executor.ExecuteAsync(vertex, results, key.Value, token).ConfigureAwait(false);
                _onEvent(new SolveEvent(number, vertex, VertexState.Completed, key, clock.Elapsed));
                return new Solved<TResult>(result, key.Value, false);
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            _onEvent(new SolveEvent(number, vertex, VertexState.Canceled, key, clock.Elapsed));
            throw;
        }
        catch (Exception ex)
        {
            _onEvent(new SolveEvent(number, vertex, VertexState.Failed, key, clock.Elapsed, ex.Message));
            await failFast.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }
}
