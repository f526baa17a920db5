namespace Slipway.Dockerfile.Instructions;

/// <summary>HEALTHCHECK. <see cref="Test"/> follows the image config: <c>["NONE"]</c>, <c>["CMD", …]</c> (exec form)
/// or <c>["CMD-SHELL", "…"]</c>. Zero durations mean "inherit the default".</summary>
public sealed record HealthcheckInstruction(IReadOnlyList<string> Test, TimeSpan Interval, TimeSpan Timeout,
    TimeSpan StartPeriod, TimeSpan StartInterval, int Retries) : Instruction;
