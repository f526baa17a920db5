using System.Collections.Concurrent;
using System.Text;
using Slipway.Oci;

namespace Slipway.Solver.Tests;

/// <summary>Toy vertices in the manner of BuildKit's solver tests: a constant, and a sum of inputs plus a number.</summary>
internal sealed class ToyVertex(string name, int value, params Vertex[] inputs) : Vertex(name, inputs)
{
    public int Value { get; } = value;

    public bool NoCache { get; init; }

    public bool Fails { get; init; }

    public TimeSpan Delay { get; init; }

    public override bool Cacheable => !NoCache;

    /// <summary>The inputs keyed by the content read of them (the toy executor's <c>Content</c> of this vertex).</summary>
    public IReadOnlySet<int> ByContent { get; init; } = new HashSet<int>();

    public override bool KeyedByContent(int index) => ByContent.Contains(index);

    public override Digest OperationDigest => Digest.Compute(Encoding.UTF8.GetBytes($"{Name}:{Value}"));
}

internal sealed record Sum(int Value);

/// <summary>Sums values; remembers what ran and keeps a cache like the engine would.</summary>
internal sealed class SumExecutor : IExecutor<Sum>
{
    public ConcurrentDictionary<Digest, Sum> Cache { get; } = new();

    public ConcurrentQueue<string> Executed { get; } = new();

    public Dictionary<string, string> Content { get; } = [];

    public int Running;

    public int MaxRunning;

    public ValueTask<Digest?> ContentDigestAsync(Vertex vertex, IReadOnlyList<Sum> inputs, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Content.TryGetValue(vertex.Name, out var c) ? Digest.Compute(Encoding.UTF8.GetBytes(c)) : (Digest?)null);

    public ValueTask<Sum?> LoadCachedAsync(Vertex vertex, IReadOnlyList<Sum> inputs, Digest cacheKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Cache.TryGetValue(cacheKey, out var v) ? v : null);

    public ValueTask<string?> ExplainMissAsync(Vertex vertex, Digest cacheKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult<string?>(vertex.Cacheable ? "not in the toy cache" : "no-cache");

    public async ValueTask<Sum> ExecuteAsync(Vertex vertex, IReadOnlyList<Sum> inputs, Digest cacheKey, CancellationToken cancellationToken)
    {
        var toy = (ToyVertex)vertex;
        var now = Interlocked.Increment(ref Running);
        InterlockedMax(ref MaxRunning, now);
        try
        {
            await Task.Delay(toy.Delay, cancellationToken);
            Executed.Enqueue(vertex.Name);
            if (toy.Fails)
            {
                throw new InvalidOperationException($"{vertex.Name} failed");
            }

            var result = new Sum(toy.Value + inputs.Sum(i => i.Value));
            Cache[cacheKey] = result;
            return result;
        }
        finally
        {
            Interlocked.Decrement(ref Running);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
