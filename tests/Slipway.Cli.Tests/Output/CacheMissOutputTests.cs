using Slipway.Cli.Output;
using Slipway.Oci;
using Slipway.Solver;

namespace Slipway.Cli.Tests.Output;

public class CacheMissOutputTests
{
    private sealed class Step(string name) : Vertex(name, [])
    {
        public override Digest OperationDigest => Digest.Compute(System.Text.Encoding.UTF8.GetBytes(Name));
    }

    private static readonly Step Copy = new("[stage-0 2/3] COPY a.txt /a.txt");
    private static readonly Step From = new("[stage-0 1/3] FROM busybox");

    private static readonly SolveEvent[] Events =
    [
        new(1, From, VertexState.Cached, null, TimeSpan.Zero),
        new(2, Copy, VertexState.Started, null, TimeSpan.Zero, Miss: new MissReason.InputsChanged(["file a.txt changed content"])),
        new(2, Copy, VertexState.Completed, null, TimeSpan.FromSeconds(1)),
    ];

    [Fact]
    public void Plain_progress_says_why_right_after_the_steps_header()
    {
        using var output = new StringWriter();
        var progress = new PlainProgress(output, quiet: false, TimeProvider.System);
        foreach (var e in Events)
        {
            progress.OnEvent(e);
        }

        Assert.Contains("#2 [stage-0 2/3] COPY a.txt /a.txt\n#2 cache miss: file a.txt changed content\n#2 DONE", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rawjson_carries_the_reason_on_the_vertex()
    {
        using var output = new StringWriter();
        var progress = new RawJsonProgress(output, TimeProvider.System);
        foreach (var e in Events)
        {
            progress.OnEvent(e);
        }

        Assert.Contains("\"cacheMiss\":\"file a.txt changed content\"", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_lists_every_step_hit_or_miss_with_its_reason()
    {
        using var output = new StringWriter();
        var report = new CacheReport(new PlainProgress(TextWriter.Null, quiet: true, TimeProvider.System));
        foreach (var e in Events)
        {
            report.OnEvent(e);
        }

        report.Write(output);

        Assert.Equal(
            "Cache report:\n  CACHED [stage-0 1/3] FROM busybox\n  MISS   [stage-0 2/3] COPY a.txt /a.txt — file a.txt changed content\n  1 of 2 steps cached\n",
            output.ToString());
    }

    [Fact]
    public void Plain_progress_says_nothing_of_a_step_never_built_before()
    {
        using var output = new StringWriter();
        var progress = new PlainProgress(output, quiet: false, TimeProvider.System);
        progress.OnEvent(new(1, Copy, VertexState.Started, null, TimeSpan.Zero, Miss: new MissReason.NoPreviousBuild()));

        Assert.DoesNotContain("cache miss", output.ToString(), StringComparison.Ordinal);
    }
}
