using Slipway.Dockerfile.Lint;

namespace Slipway.Dockerfile.Tests.Lint;

/// <summary>FinalStageIsToolchain through registries and COPY --from, UnreachableStage under --target, and
/// InvalidBaseImagePlatform from the platforms a build resolved.</summary>
public sealed class ToolchainAndReachabilityTests
{
    private static List<string> Messages(string dockerfile, string id, LintFacts? facts = null) =>
        [.. Linter.Run(DockerfileDocument.Parse(dockerfile), facts).Findings.Where(f => f.RuleId == id).Select(f => f.Message)];

    [Theory]
    [InlineData("registry.example.com/golang:1.23")]
    [InlineData("registry.example.com:5000/team/golang:1.23")]
    [InlineData("mirror.gcr.io/library/golang:1.23")]
    [InlineData("docker.io/library/golang:1.23")]
    [InlineData("public.ecr.aws/docker/library/rust:1.80")]
    [InlineData("myregistry.azurecr.io/dotnet/sdk:8.0")]
    public void A_toolchain_base_behind_a_registry_prefix_is_found(string image) =>
        Assert.Equal(
            [$"The final stage is based on the toolchain image '{image}': build in an earlier stage and copy the result into a runtime image"],
            Messages($"FROM {image}\nUSER nobody\n", "FinalStageIsToolchain"));

    [Theory]
    [InlineData("registry.example.com/golang-runtime:1")]
    [InlineData("registry.example.com/app:golang")]
    [InlineData("gcr.io/distroless/static-debian12")]
    public void A_name_that_only_looks_like_one_is_not(string image) =>
        Assert.Empty(Messages($"FROM {image}\nUSER nobody\n", "FinalStageIsToolchain"));

    [Fact]
    public void Copying_a_toolchain_stages_whole_filesystem_into_the_final_stage_is_found()
    {
        const string dockerfile = "FROM registry.example.com/golang:1.23 AS build\nRUN go build -o /out/app .\n\nFROM debian:12-slim\nCOPY --from=build / /\nUSER nobody\n";
        Assert.Equal(
            ["The final stage copies the whole filesystem of 'build', a toolchain (registry.example.com/golang:1.23): copy only the files the program needs"],
            Messages(dockerfile, "FinalStageIsToolchain"));
        Assert.Empty(Messages(dockerfile.Replace("COPY --from=build / /", "COPY --from=build /out/app /app", StringComparison.Ordinal), "FinalStageIsToolchain"));
    }

    [Theory]
    [InlineData("COPY --from=golang:1.23 /usr/local/go /usr/local/go", "/usr/local/go", "golang:1.23")]
    [InlineData("COPY --from=build /usr/bin/gcc /usr/bin/gcc", "/usr/bin/gcc", "build")]
    [InlineData("COPY --from=build /usr/lib/gcc/x86_64-linux-gnu/12/cc1 /usr/lib/cc1", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "build")]
    public void Copying_a_compiler_into_the_final_stage_is_found(string copy, string path, string from) =>
        Assert.Equal(
            [$"The final stage copies the compiler {path} from '{from}': build in an earlier stage and copy the result into a runtime image"],
            Messages($"FROM debian:12 AS build\nRUN true\n\nFROM debian:12-slim\n{copy}\nUSER nobody\n", "FinalStageIsToolchain"));

    [Fact]
    public void Under_target_the_default_stage_and_what_it_needs_are_not_unreachable()
    {
        const string dockerfile = "FROM golang:1.23 AS builder\nRUN go build -o /app .\n\nFROM alpine:3.20\nRUN true\n\nFROM scratch\nCOPY --from=builder /app /app\nUSER 65532\n";
        string[] onlyTheDeadStage = ["Stage 1 is never built: it is not the target, no stage builds on it or copies from it, and it has no name to target"];
        Assert.Equal(onlyTheDeadStage, Messages(dockerfile, "UnreachableStage", new LintFacts { Target = "builder" }));
        Assert.Equal(onlyTheDeadStage, Messages(dockerfile, "UnreachableStage"));
        Assert.Empty(Messages(dockerfile.Replace("FROM alpine:3.20\nRUN true\n\n", "", StringComparison.Ordinal), "UnreachableStage", new LintFacts { Target = "builder" }));
    }

    [Fact]
    public void A_base_resolved_for_another_platform_is_buildkits_warning()
    {
        var facts = new LintFacts
        {
            TargetPlatform = Oci.Platform.Linux("arm64"),
            BasePlatforms = new Dictionary<string, Oci.Platform> { ["alpine:3.20"] = Oci.Platform.Linux("amd64"), ["debian:12"] = Oci.Platform.Linux("arm64", "v8") },
        };
        Assert.Equal(
            ["Base image alpine:3.20 was pulled with platform \"linux/amd64\", expected \"linux/arm64\" for current build"],
            Messages("FROM debian:12 AS a\nRUN true\nFROM alpine:3.20\nCOPY --from=a /x /x\nUSER nobody\n", "InvalidBaseImagePlatform", facts));
        Assert.Empty(Messages("FROM --platform=linux/amd64 alpine:3.20\nUSER nobody\n", "InvalidBaseImagePlatform", facts));
    }
}
