using Slipway.Dockerfile.Lint;

namespace Slipway.Dockerfile.Tests.Lint;

public sealed class LinterTests
{
    private static LintReport Run(string dockerfile, LintFacts? facts = null) =>
        Linter.Run(DockerfileDocument.Parse(dockerfile), facts);

    private static List<string> Ids(string dockerfile, LintFacts? facts = null) =>
        [.. Run(dockerfile, facts).Findings.Select(f => f.RuleId)];

    private static List<string> Messages(string dockerfile, string id, LintFacts? facts = null) =>
        [.. Run(dockerfile, facts).Findings.Where(f => f.RuleId == id).Select(f => f.Message)];

    [Fact]
    public void A_skip_directive_turns_a_rule_off()
    {
        const string file = "# check=skip=FromAsCasing\nFROM alpine:3.20 as base\nUSER nobody\n";
        Assert.Empty(Ids(file));
        Assert.False(Run(file).Failed);
    }

    [Fact]
    public void Skip_all_turns_every_rule_off() =>
        Assert.Empty(Ids("# check=skip=all\nFROM alpine\nCMD echo hi\n"));

    [Fact]
    public void Error_true_makes_a_finding_fail_the_build_with_buildkits_message()
    {
        var report = Run("# check=error=true\nFROM alpine:3.20 as base\nUSER nobody\n");
        Assert.True(report.Failed);
        Assert.Equal("lint violation found for rules: FromAsCasing", report.FailureMessage);
        Assert.False(Run("# check=error=true\nFROM alpine:3.20 AS base\nUSER nobody\n").Failed);
    }

    [Fact]
    public void The_build_arg_replaces_the_directive()
    {
        var facts = new LintFacts { BuildArgs = new Dictionary<string, string> { ["BUILDKIT_DOCKERFILE_CHECK"] = "error=true" } };
        var report = Run("# check=skip=FromAsCasing\nFROM alpine:3.20 as base\nUSER nobody\n", facts);
        Assert.Equal(["FromAsCasing"], report.Findings.Select(f => f.RuleId));
        Assert.True(report.Failed);
    }

    [Fact]
    public void A_malformed_check_directive_is_a_user_mistake_not_an_exception()
    {
        var report = Run("# check=bogus=1\nFROM alpine:3.20\nUSER nobody\n");
        Assert.True(report.Failed);
        Assert.Contains("bogus", report.ConfigError, StringComparison.Ordinal);
    }

    [Fact]
    public void Experimental_rules_run_only_when_named_or_all()
    {
        const string body = "# no description\nFROM alpine:3.20 AS app\nUSER nobody\n";
        Assert.Empty(Ids(body));
        Assert.Equal(["InvalidDefinitionDescription"], Ids("# check=experimental=all\n\n" + body));
    }

    [Fact]
    public void Findings_carry_buildkits_message_and_the_line_they_are_on()
    {
        var finding = Assert.Single(Run("FROM alpine:3.20\nFROM alpine:3.20 as base\nUSER nobody\n").Findings, f => f.RuleId == "FromAsCasing");
        Assert.Equal("'as' and 'FROM' keywords' casing do not match", finding.Message);
        Assert.Equal(2, finding.Span.StartLine);
    }

    [Fact]
    public void UndefinedVar_suggests_the_closest_defined_name() =>
        Assert.Equal(["Usage of undefined variable '$APP_HOM' (did you mean $APP_HOME?)"],
            Messages("FROM alpine:3.20\nENV APP_HOME=/app\nWORKDIR $APP_HOM\nUSER nobody\n", "UndefinedVar"));

    [Fact]
    public void UndefinedVar_sees_env_of_the_base_stage_but_not_its_args()
    {
        const string file = "FROM alpine:3.20 AS base\nARG VERSION=1\nENV DATA_DIR=/data\n\nFROM base\nWORKDIR $DATA_DIR/$VERSION\nUSER nobody\n";
        Assert.Equal(["Usage of undefined variable '$VERSION'"], Messages(file, "UndefinedVar"));
    }

    [Fact]
    public void UndefinedVar_leaves_run_to_the_shell_and_image_variables_to_the_image() =>
        Assert.Empty(Messages("FROM golang:1.22\nRUN echo $UNSET\nENV PATH=$PATH:$GOPATH/bin\nUSER nobody\n", "UndefinedVar"));

    [Fact]
    public void UndefinedArgInFrom_suggests_a_declared_arg() =>
        Assert.Equal(["FROM argument 'VERSON' is not declared (did you mean VERSION?)"],
            Messages("ARG VERSION=3.20\nFROM alpine:${VERSON}\nUSER nobody\n", "UndefinedArgInFrom"));

    [Fact]
    public void A_user_set_in_the_base_stage_is_inherited_by_the_final_stage() =>
        Assert.DoesNotContain("FinalStageRunsAsRoot", Ids("FROM alpine:3.20 AS base\nUSER nobody\n\nFROM base\nCMD [\"true\"]\n"));

    [Theory]
    [InlineData("USER root")]
    [InlineData("USER 0:0")]
    [InlineData("USER nobody\nUSER root")]
    public void Switching_back_to_root_in_the_final_stage_is_reported(string user) =>
        Assert.Contains("FinalStageRunsAsRoot", Ids($"FROM alpine:3.20\n{user}\n"));

    [Fact]
    public void Scratch_without_user_runs_as_root_but_a_nonroot_image_does_not()
    {
        Assert.Contains("FinalStageRunsAsRoot", Ids("FROM scratch\nCOPY app /app\n"));
        Assert.DoesNotContain("FinalStageRunsAsRoot", Ids("FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\n"));
    }

    [Fact]
    public void Only_the_target_stage_is_held_to_the_final_stage_rules()
    {
        const string file = "FROM golang:1.22 AS build\nRUN go version\n\nFROM alpine:3.20 AS runtime\nUSER nobody\n";
        Assert.Empty(Ids(file));
        var asBuild = Ids(file, new LintFacts { Target = "build" });
        Assert.Contains("FinalStageIsToolchain", asBuild);
        Assert.Contains("FinalStageRunsAsRoot", asBuild);
    }

    [Fact]
    public void Installing_a_compiler_in_the_final_stage_is_reported()
    {
        var messages = Messages("FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential curl && rm -rf /var/lib/apt/lists/*\nUSER nobody\n", "FinalStageIsToolchain");
        Assert.Contains("build-essential", Assert.Single(messages), StringComparison.Ordinal);
        Assert.Empty(Messages("FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER nobody\n", "FinalStageIsToolchain"));
    }

    [Fact]
    public void A_nameless_unused_stage_is_unreachable_a_named_one_is_another_target()
    {
        Assert.Contains("UnreachableStage", Ids("FROM alpine:3.20\nRUN true\n\nFROM alpine:3.20\nUSER nobody\n"));
        Assert.DoesNotContain("UnreachableStage", Ids("FROM alpine:3.20 AS lint\nRUN true\n\nFROM alpine:3.20\nUSER nobody\n"));
    }

    [Fact]
    public void A_secret_build_arg_is_reported_without_its_value()
    {
        var facts = new LintFacts { BuildArgs = new Dictionary<string, string> { ["NPM_CONFIG"] = "npm_abcdefghijklmnopqrstuvwxyz0123456789", ["MODE"] = "production" } };
        var message = Assert.Single(Messages("FROM alpine:3.20\nARG NPM_CONFIG\nUSER nobody\n", "SecretInBuildArg", facts));
        Assert.DoesNotContain("npm_abc", message, StringComparison.Ordinal);
        Assert.Contains("NPM_CONFIG", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("API_KEY", true)]
    [InlineData("GITHUB_TOKEN", true)]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("PUBLIC_KEY", false)]
    [InlineData("KEYBOARD", false)]
    [InlineData("TOKENIZER_MODE", false)]
    public void Secret_looking_names_are_whole_words(string name, bool secret) =>
        Assert.Equal(secret, Messages($"FROM alpine:3.20\nARG {name}\nUSER nobody\n", "SecretsUsedInArgOrEnv").Count == 1);

    [Fact]
    public void Consistent_casing_follows_the_majority() =>
        Assert.Equal(["Command 'FROM' should match the case of the command majority (lowercase)"],
            Messages("FROM alpine:3.20\nrun true\nuser nobody\n", "ConsistentInstructionCasing"));

    [Fact]
    public void An_apt_cache_mount_keeps_the_lists_out_of_the_layer() =>
        Assert.Empty(Messages("FROM debian:12-slim\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y --no-install-recommends curl\nUSER nobody\n", "AptListsNotRemoved"));

    [Fact]
    public void Add_of_an_archive_or_url_is_what_add_is_for() =>
        Assert.Empty(Messages("FROM alpine:3.20\nADD app.tar.gz /opt/\nADD https://example.com/x /x\nUSER nobody\n", "AddInsteadOfCopy"));

    [Fact]
    public void A_platform_named_stage_may_pin_its_platform() =>
        Assert.Empty(Messages("FROM --platform=linux/arm64 alpine:3.20 AS build-arm64\nUSER nobody\n", "FromPlatformFlagConstDisallowed"));

    [Fact]
    public void Copying_the_context_after_installing_is_fine_but_before_is_reported()
    {
        Assert.Contains("'go mod download' on line 4",
            Assert.Single(Messages("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go mod download\n\nFROM scratch\nCOPY --from=build /src /src\nUSER 1\n", "CopyContextBeforeDependencyInstall")),
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_the_stage_graph_rejects_is_still_checked() =>
        Assert.Contains("DuplicateStageName", Ids("FROM alpine:3.20 AS a\nFROM alpine:3.20 AS a\nUSER nobody\n"));
}
