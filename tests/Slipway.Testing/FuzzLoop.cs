using System.Diagnostics;
using System.Globalization;

namespace Slipway.Testing;

/// <summary>A seeded fuzz loop for CI: a fixed seed, at most <see cref="Iterations"/> inputs and at most
/// <see cref="Budget"/> of wall time (whichever ends first), so the run is reproducible and short. An input the
/// target throws on (beyond what <c>exercise</c> itself accepts) fails the test with the seed, the iteration and the
/// input; an input that runs for <see cref="HangAfter"/> fails it as a hang. Longer runs from a shell:
/// <c>SLIPWAY_FUZZ_ITERATIONS=2000000 SLIPWAY_FUZZ_SECONDS=600 SLIPWAY_FUZZ_SEED=7</c>.</summary>
public sealed record FuzzLoop(int Seed, int Iterations, TimeSpan Budget)
{
    /// <summary>Far beyond any input's honest run time: only a loop that does not end takes this long.</summary>
    public TimeSpan HangAfter { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The defaults, unless the environment asks for another seed, count or budget.</summary>
    public static FuzzLoop FromEnvironment(int seed, int iterations, TimeSpan budget) => new(
        Number("SLIPWAY_FUZZ_SEED") ?? seed,
        Number("SLIPWAY_FUZZ_ITERATIONS") ?? iterations,
        Number("SLIPWAY_FUZZ_SECONDS") is { } seconds ? TimeSpan.FromSeconds(seconds) : budget);

    /// <summary>Generates inputs with one <see cref="Random"/> seeded from <see cref="Seed"/> and runs each through
    /// <paramref name="exercise"/>; returns how many ran.</summary>
    public async Task<int> RunAsync<T>(Func<Random, T> generate, Action<T> exercise, Func<T, string> describe)
    {
        ArgumentNullException.ThrowIfNull(generate);
        ArgumentNullException.ThrowIfNull(exercise);
        ArgumentNullException.ThrowIfNull(describe);
        var random = new Random(Seed);
        var clock = Stopwatch.StartNew();
        var current = new Current<T>();
        var count = 0;
        var loop = Task.Factory.StartNew(() =>
        {
            for (; count < Iterations && clock.Elapsed < Budget; count++)
            {
                var input = generate(random);
                current.Set(count, input, clock.Elapsed);
                try
                {
                    exercise(input);
                }
                catch (Exception e) when (e is not Xunit.Sdk.IAssertionException)
                {
                    throw new FuzzFailure($"seed {Seed}, iteration {count}: {e.GetType().Name}: {e.Message}\n" +
                        $"input: {describe(input)}\n{e}");
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        while (await Task.WhenAny(loop, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)) != loop)
        {
            var (iteration, input, started) = current.Get();
            if (clock.Elapsed - started > HangAfter)
            {
                Assert.Fail($"seed {Seed}, iteration {iteration}: still running after {HangAfter.TotalSeconds} s\n" +
                    $"input: {describe(input!)}");
            }
        }

        try
        {
            await loop;
        }
        catch (FuzzFailure failure)
        {
            Assert.Fail(failure.Message);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"seed {Seed}: {count} inputs in {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        return count;
    }

    /// <summary>Every input a fuzz test has crashed on so far, kept as regression cases:
    /// <c>tests/&lt;project&gt;/TestData/FuzzCrashes/*</c>, by name relative to that folder.</summary>
    public static TheoryData<string> Crashes(string testProject)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(CrashFolder(testProject)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    public static string CrashFolder(string testProject) =>
        Path.Join(Conformance.RepositoryRoot(), "tests", testProject, "TestData", "FuzzCrashes");

    private static int? Number(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;

    private sealed class Current<T>
    {
        private readonly Lock _lock = new();
        private (int Iteration, T? Input, TimeSpan Started) _value;

        public void Set(int iteration, T input, TimeSpan started)
        {
            lock (_lock)
            {
                _value = (iteration, input, started);
            }
        }

        public (int Iteration, T? Input, TimeSpan Started) Get()
        {
            lock (_lock)
            {
                return _value;
            }
        }
    }

    private sealed class FuzzFailure(string message) : Exception(message);
}
