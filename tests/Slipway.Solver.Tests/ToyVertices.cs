using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Slipway.Oci;

namespace Slipway.Solver.Tests;

/// <summary>Toy vertices in the manner of BuildKit's solver tests: a constant, and a sum of inputs plus a number.</summary>
internal sealed class ToyVertex(string name, int value, params Vertex[] inputs) : Vertex(name, inputs)
{
    public int Value { get; } = value;

    /// <summary>Changes the operation digest without changing the facts (as moving a step or a new key recipe would).</summary>
    public string Salt { get; init; } = "";

    public string? NoCache { get; init; }

    public bool Fails { get; init; }

    public TimeSpan Delay { get; init; }

    public override string? IgnoreCache => NoCache;

    /// <summary>The inputs keyed by the content read of them (the toy ops' <c>Content</c> of this vertex).</summary>
    public IReadOnlySet<int> ByContent { get; init; } = new HashSet<int>();

    public override Digest OperationDigest => Digest.Compute(Encoding.UTF8.GetBytes($"{Name}:{Value}:{Salt}"));
}

/// <summary>A result; <see cref="Revived"/> says it came from the cache and was revived for this solve.</summary>
internal sealed record Sum(int Value, bool Revived = false);

/// <summary>The toy ops: sum values, remember what ran and how many ran at once.</summary>
internal sealed class SumOps
{
    public ConcurrentQueue<string> Executed { get; } = new();

    /// <summary>What a vertex reads from outside the graph, by its name.</summary>
    public Dictionary<string, string> Content { get; } = [];

    public int Running;

    public int MaxRunning;

    public IOp<Sum> For(Vertex vertex) => new SumOp((ToyVertex)vertex, this);

    private sealed class SumOp(ToyVertex vertex, SumOps ops) : IOp<Sum>
    {
        public ValueTask<CacheMap> CacheMapAsync(IReadOnlyList<Sum> inputs, CancellationToken cancellationToken)
        {
            var content = ops.Content.GetValueOrDefault(vertex.Name);
            var values = new List<KeyValuePair<string, string>> { KeyValuePair.Create("value", vertex.Value.ToString(CultureInfo.InvariantCulture)) };
            if (content is not null)
            {
                values.Add(KeyValuePair.Create("content", content));
            }

            return ValueTask.FromResult(new CacheMap(vertex.OperationDigest)
            {
                Inputs = [.. Enumerable.Range(0, vertex.Inputs.Count).Select(i => vertex.ByContent.Contains(i) ? InputKeying.ByContent : InputKeying.ByKey)],
                Content = content is null ? null : Digest.Compute(Encoding.UTF8.GetBytes(content)),
                History = vertex.Name,
                Facts = new CacheFacts(values, null),
            });
        }

        public async ValueTask<Sum> ExecAsync(IReadOnlyList<Sum> inputs, CacheMap cacheMap, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref ops.Running);
            InterlockedMax(ref ops.MaxRunning, now);
            try
            {
                await Task.Delay(vertex.Delay, cancellationToken);
                ops.Executed.Enqueue(vertex.Name);
                if (vertex.Fails)
                {
                    throw new InvalidOperationException($"{vertex.Name} failed");
                }

                return new Sum(vertex.Value + inputs.Sum(i => i.Value));
            }
            finally
            {
                Interlocked.Decrement(ref ops.Running);
            }
        }

        public Sum Revive(Sum cached, IReadOnlyList<Sum> inputs) => cached with { Revived = true };
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

/// <summary>An index in memory; a result (that instance) can be marked gone, and a record malformed.</summary>
internal sealed class MemoryCacheIndex<TResult> : ICacheIndex<TResult>
    where TResult : class
{
    private readonly ConcurrentDictionary<CacheKey, MemoryRecord> _records = new();
    private readonly ConcurrentDictionary<object, bool> _gone = new(ReferenceEqualityComparer.Instance);

    public ConcurrentQueue<CacheKey> Saved { get; } = new();

    private sealed record MemoryRecord(CacheKey Key, TResult? Result) : CacheRecord(Key);

    public ValueTask<CacheRecord?> QueryAsync(CacheKey key, CancellationToken cancellationToken) =>
        ValueTask.FromResult<CacheRecord?>(_records.GetValueOrDefault(key));

    public ValueTask<TResult?> LoadAsync(CacheRecord record, CancellationToken cancellationToken) =>
        ValueTask.FromResult(((MemoryRecord)record).Result is { } result && !_gone.ContainsKey(result) ? result : null);

    public ValueTask SaveAsync(CacheKey key, TResult result, CancellationToken cancellationToken)
    {
        _records[key] = new MemoryRecord(key, result);
        Saved.Enqueue(key);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<CacheRecord>> RecordsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<CacheRecord>>([.. _records.Values]);

    public ValueTask<int> PruneAsync(IEnumerable<CacheKey> keys, CancellationToken cancellationToken) =>
        ValueTask.FromResult(keys.Distinct().Count(k => _records.TryRemove(k, out _)));

    public void Lose(TResult result) => _gone[result] = true;

    public void PutMalformed(CacheKey key) => _records[key] = new MemoryRecord(key, null);
}

/// <summary>A history in memory: changes are the names whose values differ, "NAME: old → new".</summary>
internal sealed class MemoryHistory : ICacheHistory
{
    public ConcurrentDictionary<string, HistoryRecord> Records { get; } = new();

    public ValueTask<HistoryRecord?> LastAsync(string history, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Records.GetValueOrDefault(history));

    public ValueTask RecordAsync(Vertex vertex, string history, HistoryRecord entry, CancellationToken cancellationToken)
    {
        Records[history] = entry;
        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<string> Changes(CacheFacts before, CacheFacts now, bool parentChanged)
    {
        var old = before.Values.ToDictionary(v => v.Key, v => v.Value);
        var current = now.Values.ToDictionary(v => v.Key, v => v.Value);
        return [.. old.Keys.Union(current.Keys).Order(StringComparer.Ordinal)
            .Where(n => old.GetValueOrDefault(n) != current.GetValueOrDefault(n))
            .Select(n => $"{n}: {old.GetValueOrDefault(n) ?? "-"} → {current.GetValueOrDefault(n) ?? "-"}")];
    }
}
