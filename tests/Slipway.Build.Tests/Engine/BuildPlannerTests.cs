using Slipway.Build.Engine;
using Slipway.Dockerfile;
using Slipway.Dockerfile.Instructions;
using Slipway.Solver;

namespace Slipway.Build.Tests.Engine;

/// <summary>The plan: one vertex per step, chained within a stage, with an extra input for each stage a step reads.</summary>
public sealed class BuildPlannerTests
{
    private static StageGraph Graph(string dockerfile, string? target = null) =>
        DockerfileDocument.Parse(dockerfile).BuildGraph(new() { Target = target }).Graph!;

    /// <summary>Every vertex the target depends on, each once, inputs before the vertices that use them.</summary>
    private static List<StepVertex> All(Vertex target)
    {
        var seen = new List<StepVertex>();
        void Visit(Vertex vertex)
        {
            foreach (var input in vertex.Inputs)
            {
                Visit(input);
            }

            if (!seen.Contains((StepVertex)vertex))
            {
                seen.Add((StepVertex)vertex);
            }
        }

        Visit(target);
        return seen;
    }

    [Fact]
    public void A_stage_replaced_by_a_named_context_is_one_vertex_that_the_stages_reading_it_take_as_input()
    {
        var graph = DockerfileDocument.Parse("FROM golang AS builder\nRUN go build\nFROM scratch\nCOPY --from=builder /app /app\n")
            .BuildGraph(new() { ReplacesStage = name => name == "builder" }).Graph!;

        var steps = All(BuildPlanner.Plan(graph, noCache: false));

        Assert.Equal(["[stage-1 1/2] FROM scratch", "[context builder] replaced by --build-context builder", "[stage-1 2/2] COPY --from=builder /app /app"],
            steps.Select(s => s.Name));
        Assert.Null(steps[1].Instruction);
        Assert.Empty(steps[1].Inputs);
        Assert.Same(steps[1], steps[2].Inputs[1]);
    }

    [Fact]
    public void The_steps_of_a_stage_are_chained_after_its_from_and_named_by_position()
    {
        var target = BuildPlanner.Plan(Graph("FROM busybox\nRUN echo one\nENV A=b\n"), noCache: false);

        var steps = All(target);
        Assert.Equal(["[stage-0 1/3] FROM busybox", "[stage-0 2/3] RUN echo one", "[stage-0 3/3] ENV A=b"], steps.Select(s => s.Name));
        Assert.Null(steps[0].Instruction);
        Assert.Empty(steps[0].Inputs);
        Assert.Same(steps[0], Assert.Single(steps[1].Inputs));
        Assert.Same(steps[1], Assert.Single(steps[2].Inputs));
        Assert.Equal([0, 1, 2], steps.Select(s => s.Step));
        Assert.All(steps, s => Assert.Null(s.IgnoreCache));
    }

    [Fact]
    public void A_named_stage_labels_its_steps_and_from_a_stage_takes_that_stages_last_step_as_input()
    {
        var target = BuildPlanner.Plan(Graph("FROM busybox AS base\nRUN echo base\nFROM base\nRUN echo app\n"), noCache: false);

        var from = (StepVertex)target.Inputs[0];
        Assert.Equal("[stage-1 1/2] FROM base", from.Name);
        var baseLast = (StepVertex)Assert.Single(from.Inputs);
        Assert.Equal("[base 2/2] RUN echo base", baseLast.Name);
    }

    [Fact]
    public void Copy_from_a_stage_adds_the_stages_last_step_as_the_second_input()
    {
        var target = BuildPlanner.Plan(Graph("FROM busybox AS build\nRUN echo built > /out\nFROM scratch\nCOPY --from=build /out /out\n"), noCache: false);

        Assert.Equal(2, target.Inputs.Count);
        Assert.Equal("[build 2/2] RUN echo built > /out", target.Inputs[1].Name);
    }

    [Fact]
    public void Copy_from_an_image_adds_no_input()
    {
        var target = BuildPlanner.Plan(Graph("FROM scratch\nCOPY --from=busybox /bin/sh /sh\n"), noCache: false);

        Assert.Single(target.Inputs);
    }

    [Fact]
    public void Each_run_mount_from_a_stage_adds_an_input_in_mount_order()
    {
        var dockerfile = "FROM busybox AS a\nRUN echo a\nFROM busybox AS b\nRUN echo b\n"
            + "FROM busybox\nRUN --mount=type=bind,from=b,target=/b --mount=type=cache,target=/c --mount=type=bind,from=a,target=/a true\n";

        var target = BuildPlanner.Plan(Graph(dockerfile), noCache: false);

        Assert.Equal(["[stage-2 1/2] FROM busybox", "[b 2/2] RUN echo b", "[a 2/2] RUN echo a"], target.Inputs.Select(i => i.Name));
    }

    [Fact]
    public void Stages_the_target_does_not_reach_are_not_planned()
    {
        var target = BuildPlanner.Plan(Graph("FROM busybox AS unused\nRUN echo never\nFROM busybox AS app\nRUN echo app\n", "app"), noCache: false);

        Assert.DoesNotContain(All(target), s => s.Stage.Name == "unused");
        Assert.Equal("[app 2/2] RUN echo app", target.Name);
    }

    [Fact]
    public void No_cache_marks_every_step_and_no_cache_filter_only_the_stages_named_or_numbered()
    {
        var dockerfile = "FROM busybox AS a\nRUN echo a\nFROM busybox AS b\nRUN echo b\nFROM busybox\nCOPY --from=a /x /x\nCOPY --from=b /y /y\n";

        Assert.All(All(BuildPlanner.Plan(Graph(dockerfile), noCache: true)), s => Assert.Equal("--no-cache", s.IgnoreCache));
        var filtered = All(BuildPlanner.Plan(Graph(dockerfile), noCache: false, new HashSet<string> { "a", "2" }));
        Assert.Equal(["2", "a"], filtered.Where(s => s.IgnoreCache is not null).Select(s => s.Stage.DisplayName).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(["--no-cache-filter 2", "--no-cache-filter a"], filtered.Select(s => s.IgnoreCache).OfType<string>().Distinct().Order(StringComparer.Ordinal));
        Assert.All(filtered.Where(s => s.Stage.Name == "b"), s => Assert.Null(s.IgnoreCache));
    }

    [Fact]
    public void Onbuild_triggers_of_the_base_run_first_and_count_in_the_positions()
    {
        var graph = Graph("FROM base-with-triggers\nRUN echo mine\n");
        var triggers = DockerfileDocument.Parse("RUN echo trigger\n").Instructions.Instructions;

        var target = BuildPlanner.Plan(graph, noCache: false, triggers: new Dictionary<int, IReadOnlyList<Instruction>> { [0] = triggers });

        Assert.Equal(["[stage-0 1/3] FROM base-with-triggers", "[stage-0 2/3] RUN echo trigger", "[stage-0 3/3] RUN echo mine"],
            All(target).Select(s => s.Name));
    }

    [Fact]
    public void A_step_name_is_the_instruction_as_written_with_credentials_in_an_add_url_hidden()
    {
        var target = BuildPlanner.Plan(Graph("FROM busybox\nADD https://user:secret@example.com/f /f\nRUN <<EOF\necho one\necho two\nEOF\n"), noCache: false);

        var names = All(target).Select(s => s.Name).ToList();
        Assert.Equal("[stage-0 2/3] ADD https://xxxxx:xxxxx@example.com/f /f", names[1]);
        Assert.Equal("[stage-0 3/3] RUN <<EOF", names[2]);
    }
}
