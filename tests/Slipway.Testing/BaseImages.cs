using System.Collections.Concurrent;
using System.Diagnostics;

namespace Slipway.Testing;

/// <summary>The local base images (busybox, busybox-multiplatform, debian, gcc, golang, node) that tests and
/// examples build FROM, as OCI image layouts made by <c>scripts/base-images</c> and cached on disk between runs
/// (<c>SLIPWAY_FIXTURES</c>, default /var/cache/slipway-fixtures). Each layout is tagged <see cref="Tag"/>.</summary>
public static class BaseImages
{
    /// <summary>The tag every layout carries (<c>oci:PATH:latest</c>); debian is also tagged "bookworm".</summary>
    public const string Tag = "latest";

    // One script run per image per process: every test asking for busybox awaits the same task. The on-disk
    // cache makes the run itself a lookup once the image exists; the script's own lock serialises processes.
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Layouts = new(StringComparer.Ordinal);

    /// <summary>The OCI layout directory of <paramref name="name"/>, made on first use. Throws with the
    /// script's stderr when it cannot be made.</summary>
    public static Task<string> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var lazy = Layouts.GetOrAdd(name, n => new Lazy<Task<string>>(() => MakeOneAsync(n)));
        return lazy.Value.WaitAsync(cancellationToken);
    }

    private static async Task<string> MakeOneAsync(string name)
    {
        // Not cancellable: other tests may await this same run.
        var run = await RunAsync([name], environment: null, CancellationToken.None).ConfigureAwait(false);
        return run.Paths.Single();
    }

    /// <summary>Runs <c>scripts/base-images</c> for <paramref name="names"/> with extra environment variables
    /// (for example another SLIPWAY_FIXTURES), bypassing the per-process cache.</summary>
    public static async Task<BaseImagesRun> RunAsync(
        IReadOnlyList<string> names,
        IReadOnlyDictionary<string, string>? environment,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(names);
        var script = FindScript();
        var start = new ProcessStartInfo(script)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in names)
        {
            start.ArgumentList.Add(name);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start {script}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout.ConfigureAwait(false);
        var log = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{script} {string.Join(' ', names)} exited with {process.ExitCode}:\n{log}");
        }

        var paths = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (paths.Length != names.Count)
        {
            throw new InvalidOperationException(
                $"{script} printed {paths.Length} paths for {names.Count} images:\n{output}\n{log}");
        }

        return new BaseImagesRun(paths, log, clock.Elapsed);
    }

    /// <summary>scripts/base-images of the repository these tests were built from, found by walking up from
    /// the test binaries.</summary>
    public static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Join(dir.FullName, "scripts", "base-images");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"scripts/base-images not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>One run of scripts/base-images: the layout path of each requested image, its progress log and how
/// long it took.</summary>
public sealed record BaseImagesRun(IReadOnlyList<string> Paths, string Log, TimeSpan Elapsed)
{
    /// <summary>Whether the run made any image rather than finding all of them in the cache.</summary>
    public bool Built => Log.Contains("base-images: building ", StringComparison.Ordinal);
}
