namespace Slipway.Dockerfile.Lint.Rules;

internal static class ReservedStageName
{
    /// <summary>Names a FROM or <c>--from</c> already gives a meaning to.</summary>
    private static readonly string[] Reserved = ["scratch", "context"];

    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(ReservedStageName), "Reserved words should not be used as stage names",
        LintRule.EachStage(Check));

    private static IEnumerable<string> Check(LintStage stage) =>
        stage.Name is { } name && Reserved.Contains(name) ? [$"Stage name should not use the same name as reserved stage \"{name}\""] : [];
}
