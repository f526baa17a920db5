using System.Globalization;
using Slipway.Testing;

namespace Slipway.Runtime.Tests;

/// <summary>The few commands of <c>sh -c</c> the runtime contract's scripts use (<c>;</c>, <c>cat</c> of stdin, <c>echo</c> with
/// <c>&gt;&amp;2</c>, <c>$NAME</c>, <c>exit</c>, <c>pwd</c>, <c>id -u</c>/<c>-g</c>, <c>touch</c>, <c>sleep</c>),
/// carried out by a <see cref="FakeContainerRuntime"/> process.</summary>
internal static class FakeShell
{
    public static async Task<int> RunAsync(FakeProcess process, CancellationToken cancellationToken)
    {
        var args = process.Spec.Process.Args;
        if (args is not ["/bin/sh", "-c", var script])
        {
            process.Err($"{args[0]}: not found");
            return 127;
        }

        var status = 0;
        foreach (var statement in script.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var words = statement.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => Expand(w, process, status)).ToList();
            var toStderr = words[^1] == ">&2";
            if (toStderr)
            {
                words.RemoveAt(words.Count - 1);
            }

            Action<string> print = toStderr ? process.Err : process.Out;
            status = 0;
            switch (words)
            {
                case ["echo", .. var rest]:
                    print(string.Join(' ', rest));
                    break;
                case ["exit", var code]:
                    return int.Parse(code, CultureInfo.InvariantCulture);
                case ["cat"]:
                    if (process.Stdin is { } stdin)
                    {
                        using var reader = new StreamReader(stdin, leaveOpen: true);
                        while (await reader.ReadLineAsync(cancellationToken) is { } line)
                        {
                            print(line);
                        }
                    }

                    break;
                case ["pwd"]:
                    print(process.Spec.Process.WorkingDir);
                    break;
                case ["id", "-u"]:
                    print(process.Spec.Process.Uid.ToString(CultureInfo.InvariantCulture));
                    break;
                case ["id", "-g"]:
                    print(process.Spec.Process.Gid.ToString(CultureInfo.InvariantCulture));
                    break;
                case ["touch", var path]:
                    try
                    {
                        process.WriteFile(path, "");
                    }
                    catch (IOException ex)
                    {
                        process.Err("touch: " + ex.Message);
                        status = 1;
                    }

                    break;
                case ["sleep", var seconds]:
                    await Task.Delay(TimeSpan.FromSeconds(int.Parse(seconds, CultureInfo.InvariantCulture)), cancellationToken);
                    break;
                default:
                    process.Err($"sh: {words[0]}: not found");
                    status = 127;
                    break;
            }
        }

        return status;
    }

    private static string Expand(string word, FakeProcess process, int status) => word switch
    {
        "$?" => status.ToString(CultureInfo.InvariantCulture),
        ['$', .. var name] => process.Env(name) ?? "",
        _ => word,
    };
}
