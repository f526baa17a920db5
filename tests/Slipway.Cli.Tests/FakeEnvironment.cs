namespace Slipway.Cli.Tests;

internal sealed class FakeEnvironment : ICliEnvironment
{
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public bool IsRoot { get; set; }

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public StringReader In { get; set; } = new(string.Empty);

    TextWriter ICliEnvironment.Out => Out;

    TextWriter ICliEnvironment.Error => Error;

    TextReader ICliEnvironment.In => In;

    public string? GetVariable(string name) => Variables.GetValueOrDefault(name);
}
