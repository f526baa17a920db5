namespace Slipway.Dockerfile.Lint.Rules;

/// <summary>Every rule, BuildKit's first in BuildKit's order, then Slipway's.</summary>
internal static class RuleSet
{
    public static IReadOnlyList<LintRule> All { get; } =
    [
        StageNameCasing.Rule,
        FromAsCasing.Rule,
        NoEmptyContinuation.Rule,
        ConsistentInstructionCasing.Rule,
        DuplicateStageName.Rule,
        ReservedStageName.Rule,
        JSONArgsRecommended.Rule,
        MaintainerDeprecated.Rule,
        UndefinedArgInFrom.Rule,
        WorkdirRelativePath.Rule,
        UndefinedVar.Rule,
        MultipleInstructionsDisallowed.Rule,
        LegacyKeyValueFormat.Rule,
        InvalidDefaultArgInFrom.Rule,
        FromPlatformFlagConstDisallowed.Rule,
        CopyIgnoredFile.Rule,
        RedundantTargetPlatform.Rule,
        SecretsUsedInArgOrEnv.Rule,
        InvalidDefinitionDescription.Rule,
        ExposeProtoCasing.Rule,
        ExposeInvalidFormat.Rule,
        InvalidBaseImagePlatform.Rule,
        FinalStageRunsAsRoot.Rule,
        FinalStageIsToolchain.Rule,
        CopyContextBeforeDependencyInstall.Rule,
        MissingDockerignore.Rule,
        AptInstallRecommends.Rule,
        AptListsNotRemoved.Rule,
        UnpinnedBaseImage.Rule,
        AddInsteadOfCopy.Rule,
        UnreachableStage.Rule,
        SecretInBuildArg.Rule,
    ];
}
