using Slipway.Build.Engine;
using Slipway.Dockerfile;
using Slipway.Dockerfile.Diagnostics;

namespace Slipway.Build.Tests.Engine;

public sealed class EntitlementCheckTests
{
    private static (DockerfileDocument Document, IReadOnlyList<Diagnostic> Denied) Check(string dockerfile, Entitlements granted, string? target = null)
    {
        var document = DockerfileDocument.Parse(dockerfile);
        var graph = document.BuildGraph(new() { Target = target }).Graph!;
        return (document, EntitlementCheck.Check(graph.Required, granted));
    }

    [Fact]
    public void Run_security_insecure_without_allow_is_refused_at_its_line_and_column()
    {
        var (document, denied) = Check("FROM busybox\nRUN true\n  RUN --security=insecure id\n", Entitlements.None);

        var diagnostic = Assert.Single(denied);
        Assert.Equal(DiagnosticIds.Entitlement, diagnostic.Id);
        Assert.Equal(3, diagnostic.Span.StartLine);
        Assert.Equal(3, diagnostic.Span.StartColumn);
        Assert.StartsWith("Dockerfile:3:3: security.insecure is not allowed", document.Format(diagnostic), StringComparison.Ordinal);
        Assert.Contains("--allow security.insecure", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_network_host_without_allow_is_refused()
    {
        var (_, denied) = Check("FROM busybox\nRUN --network=host true\n", Entitlements.SecurityInsecure);

        Assert.StartsWith("network.host is not allowed", Assert.Single(denied).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Granted_entitlements_and_sandboxed_runs_pass()
    {
        var dockerfile = "FROM busybox\nRUN --network=host --security=insecure true\nRUN --network=none --security=sandbox true\n";

        Assert.Empty(Check(dockerfile, Entitlements.NetworkHost | Entitlements.SecurityInsecure).Denied);
        Assert.Equal(2, Check(dockerfile, Entitlements.None).Denied.Count);
    }

    [Fact]
    public void A_stage_the_target_does_not_need_is_not_checked()
    {
        var (_, denied) = Check("FROM busybox AS privileged\nRUN --security=insecure true\nFROM busybox AS app\nRUN true\n", Entitlements.None, "app");

        Assert.Empty(denied);
    }

    [Fact]
    public void An_onbuild_trigger_is_checked_by_what_it_triggers()
    {
        var document = DockerfileDocument.Parse("FROM busybox\nONBUILD RUN --security=insecure true\n");
        var onbuild = document.Instructions.Instructions.OfType<Slipway.Dockerfile.Instructions.OnbuildInstruction>().Single();

        Assert.Single(EntitlementCheck.Check(onbuild, Entitlements.None));
    }

    [Theory]
    [InlineData(new[] { "network.host" }, Entitlements.NetworkHost)]
    [InlineData(new[] { "security.insecure,network.host" }, Entitlements.NetworkHost | Entitlements.SecurityInsecure)]
    [InlineData(new[] { "network.host", "security.insecure" }, Entitlements.NetworkHost | Entitlements.SecurityInsecure)]
    public void Allow_takes_repeated_flags_and_comma_lists(string[] values, Entitlements expected)
    {
        Assert.True(EntitlementCheck.TryParse(values, out var granted, out _));
        Assert.Equal(expected, granted);
    }

    [Fact]
    public void An_unknown_entitlement_is_an_error_in_buildxs_words()
    {
        Assert.False(EntitlementCheck.TryParse(["network.hots"], out _, out var error));
        Assert.Equal("invalid entitlement: network.hots", error);
    }

    [Fact]
    public void Build_network_host_grants_network_host_as_buildx_does()
    {
        var options = new BuildOptions
        {
            Source = new Slipway.Build.Definition.DefinitionSource { ContextDir = "/" }, RuntimePath = "runc",
            Network = Slipway.Dockerfile.Instructions.NetworkMode.Host,
        };

        Assert.Equal(Entitlements.NetworkHost, options.Granted);
    }
}
