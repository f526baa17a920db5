using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Lint.Rules;

internal static class JSONArgsRecommended
{
    public static LintRule Rule { get; } = LintRule.BuildKit(nameof(JSONArgsRecommended),
        "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals", Check);

    private static void Check(LintContext c, LintRule rule)
    {
        foreach (var stage in c.Stages)
        {
            // A stage that sets its own SHELL chose shell form on purpose, as BuildKit assumes.
            var shellSet = false;
            foreach (var instruction in stage.Body)
            {
                switch (instruction)
                {
                    case ShellInstruction:
                        shellSet = true;
                        break;
                    case CmdInstruction { Command.PrependShell: true } when !shellSet:
                        c.Report(rule, Message("CMD"), instruction.Span);
                        break;
                    case EntrypointInstruction { Command.PrependShell: true } when !shellSet:
                        c.Report(rule, Message("ENTRYPOINT"), instruction.Span);
                        break;
                }
            }
        }
    }

    private static string Message(string command) =>
        $"JSON arguments recommended for {command} to prevent unintended behavior related to OS signals";
}
