using System.Diagnostics;

namespace Slipway.Registry.Auth;

/// <summary>A <c>docker-credential-NAME</c> program and its protocol: the verb (<c>get</c>, <c>store</c>,
/// <c>erase</c>) as the argument, the request on standard input, the answer on standard output.</summary>
internal sealed class CredentialHelper
{
    private readonly string _program;

    private CredentialHelper(string name, string program)
    {
        Name = name;
        _program = program;
    }

    /// <summary>The helper's name as config.json gives it (<c>pass</c>, <c>secretservice</c>).</summary>
    public string Name { get; }

    /// <summary>The helper <paramref name="name"/> found in <paramref name="directories"/> (PATH).</summary>
    public static CredentialHelper Find(string name, IReadOnlyList<string> directories)
    {
        // The helper name becomes part of a file name: letters, digits, '-', '_' and '.' only.
        if (name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.')) || name.StartsWith('.'))
        {
            throw new RegistryException($"docker config: invalid credential helper name \"{name}\"");
        }

        var program = directories
            .Select(d => Path.Join(d, "docker-credential-" + name))
            .FirstOrDefault(File.Exists)
            ?? throw new RegistryException($"credential helper docker-credential-{name} not found");
        return new CredentialHelper(name, program);
    }

    /// <summary>Runs the helper with <paramref name="verb"/>, <paramref name="input"/> on its standard input.</summary>
    public async Task<(int Exit, string Output, string Error)> RunAsync(string verb, string input, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(_program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(verb);
        using var process = Process.Start(info)
            ?? throw new RegistryException($"could not start docker-credential-{Name}");
        await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken).ConfigureAwait(false);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    /// <summary>What helpers answer (on either stream) for a server they hold nothing for.</summary>
    public static bool IsNotFound(string output, string error) =>
        (output + error).Contains("credentials not found", StringComparison.OrdinalIgnoreCase);
}
