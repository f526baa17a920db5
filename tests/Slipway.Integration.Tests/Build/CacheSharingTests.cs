using Slipway.Integration.Tests.Fixtures;

namespace Slipway.Integration.Tests.Build;

/// <summary>Cache mounts' <c>sharing=</c> between concurrent builds of one store: <c>private</c> gives a RUN the
/// cache alone (a concurrent one gets an instance of its own), <c>locked</c> makes the other wait.</summary>
public sealed class CacheSharingTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    public void Dispose() => _temp.Dispose();

    private string Context(string dockerfile)
    {
        var dir = Directory.CreateDirectory(Path.Join(_temp.Path, "ctx-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        File.WriteAllText(Path.Join(dir, "Dockerfile"), dockerfile);
        return dir;
    }

    [Fact]
    public async Task Two_concurrent_runs_with_a_private_cache_never_see_each_others_files()
    {
        store.Require();
        var id = "private-" + Guid.NewGuid().ToString("N")[..8];
        var sync = "sync-" + Guid.NewGuid().ToString("N")[..8];
        // Both RUNs are inside the step at once: each writes its name, then waits (through a shared cache used as a
        // meeting point) until the other has written its own, then keeps what its private cache holds.
        string Dockerfile(string name, string other) =>
            $"""
            FROM busybox:1.35
            RUN --mount=type=cache,id={id},target=/c,sharing=private --mount=type=cache,id={sync},target=/sync \
                echo {name} > /c/who && touch /sync/{name} && i=0 && \
                while [ ! -e /sync/{other} ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done && \
                test -e /sync/{other} && cat /c/who > /who
            """;

        var a = Runner.OkAsync("build", "--progress", "plain", "-t", "private-a:1", Context(Dockerfile("a", "b")));
        var b = Runner.OkAsync("build", "--progress", "plain", "-t", "private-b:1", Context(Dockerfile("b", "a")));
        await Task.WhenAll(a, b);

        Assert.Equal("a\n", (await Runner.OkAsync("run", "--rm", "private-a:1", "cat", "/who")).Output);
        Assert.Equal("b\n", (await Runner.OkAsync("run", "--rm", "private-b:1", "cat", "/who")).Output);
    }

    [Fact]
    public async Task A_private_cache_not_in_use_elsewhere_is_the_shared_instance_kept_between_builds()
    {
        store.Require();
        var id = "private-" + Guid.NewGuid().ToString("N")[..8];

        await Runner.OkAsync("build", "--progress", "plain", Context(
            $"FROM busybox:1.35\nRUN --mount=type=cache,id={id},target=/c,sharing=private echo kept > /c/file\n"));
        await Runner.OkAsync("build", "--progress", "plain", "-t", "private-kept:1", Context(
            $"FROM busybox:1.35\nRUN --mount=type=cache,id={id},target=/c,sharing=private cp /c/file /file\n"));

        Assert.Equal("kept\n", (await Runner.OkAsync("run", "--rm", "private-kept:1", "cat", "/file")).Output);
    }

    [Fact]
    public async Task Concurrent_runs_with_a_locked_cache_take_turns()
    {
        store.Require();
        var id = "locked-" + Guid.NewGuid().ToString("N")[..8];
        // A read-modify-write with a pause in the middle: two RUNs inside at once would both write 1.
        string Dockerfile(string name) =>
            $"""
            FROM busybox:1.35
            RUN --mount=type=cache,id={id},target=/c,sharing=locked \
                echo {name} && v=$(cat /c/n 2>/dev/null || echo 0) && sleep 1 && echo $((v+1)) > /c/n && cp /c/n /n
            """;

        var a = Runner.OkAsync("build", "--progress", "plain", "-t", "locked-a:1", Context(Dockerfile("a")));
        var b = Runner.OkAsync("build", "--progress", "plain", "-t", "locked-b:1", Context(Dockerfile("b")));
        await Task.WhenAll(a, b);

        var counts = new[]
        {
            (await Runner.OkAsync("run", "--rm", "locked-a:1", "cat", "/n")).Output.Trim(),
            (await Runner.OkAsync("run", "--rm", "locked-b:1", "cat", "/n")).Output.Trim(),
        };
        Assert.Equal(["1", "2"], counts.Order());
    }
}
