using System.Formats.Tar;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>One store root per test class with the base images the class builds FROM loaded once, under the
/// names the examples use, the way scripts/load-base-images loads them: the layout tarred into <c>load</c>, then
/// <c>tag</c>. Loading is what takes time, so the class's tests share the root (and so its build cache).</summary>
public abstract class BuildStore : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["busybox"] = "busybox:1.35",
        ["debian-multiplatform"] = "debian:bookworm",
        ["busybox-multiplatform"] = "busybox:1.35",
        ["gcc"] = "gcc:12",
        ["golang"] = "golang:1.19",
        ["node"] = "node:18",
    };

    private readonly string[] _images;
    private string? _skip;

    protected BuildStore(params string[] images)
    {
        _images = images;
        Runner = new SlipwayRunner();
    }

    internal SlipwayRunner Runner { get; }

    public string Root => Runner.Root;

    public async ValueTask InitializeAsync()
    {
        // Checked here so a machine without the capability skips every test with the reason instead of failing
        // the fixture; each test calls Require() to turn it into a skip (or a failure under CI).
        if (Environment.UserName != "root" || Capability.Which("runc") is null && Capability.Which("crun") is null)
        {
            _skip = "needs root and runc or crun to build";
            return;
        }

        foreach (var name in _images)
        {
            var layout = await BaseImages.GetAsync(name).ConfigureAwait(false);
            var archive = Path.Join(Runner.Home, name + ".tar");
            await TarFile.CreateFromDirectoryAsync(layout, archive, includeBaseDirectory: false).ConfigureAwait(false);
            var loaded = await Runner.OkAsync("load", "-i", archive).ConfigureAwait(false);
            File.Delete(archive);
            var id = loaded.Output.Split('\n').First(l => l.StartsWith("Loaded image ID: ", StringComparison.Ordinal))["Loaded image ID: ".Length..];
            await Runner.OkAsync("tag", id, Tags[name]).ConfigureAwait(false);
        }
    }

    /// <summary>Skips (or under CI fails) the calling test when the machine cannot build.</summary>
    public void Require() => Capability.Require(_skip is null, _skip ?? "");

    public ValueTask DisposeAsync()
    {
        Runner.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>A copy of examples/<paramref name="name"/> in <paramref name="parent"/>, to edit without touching
    /// the repository.</summary>
    public static string CopyExample(string name, string parent)
    {
        var source = Example(name);
        var target = Path.Join(parent, name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Join(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return target;
    }

    /// <summary>examples/<paramref name="name"/> of the repository these tests were built from.</summary>
    public static string Example(string name)
    {
        var scripts = Path.GetDirectoryName(BaseImages.FindScript())!;
        return Path.Join(Path.GetDirectoryName(scripts), "examples", name);
    }
}

/// <summary>busybox, gcc and golang: what the examples build FROM.</summary>
public sealed class ExampleStore() : BuildStore("busybox", "gcc", "golang");

/// <summary>busybox alone, for Dockerfiles written in a test.</summary>
public sealed class BusyboxStore() : BuildStore("busybox");

/// <summary>busybox:1.35 as an index of linux/amd64 and linux/arm64 (Debian's arm64 busybox), for emulated RUN
/// steps and containers.</summary>
public sealed class BusyboxMultiPlatformStore() : BuildStore("busybox-multiplatform");

/// <summary>node alone, for the TypeScript example (npm reaches the registry through the host's proxy).</summary>
public sealed class NodeStore() : BuildStore("node");

/// <summary>golang alone, for the cache tests on go-web.</summary>
public sealed class GolangStore() : BuildStore("golang");

/// <summary>debian:bookworm as an index of linux/amd64 and linux/arm64 (a debootstrapped arm64 Debian), for builds
/// whose stages RUN on either platform.</summary>
public sealed class DebianMultiPlatformStore() : BuildStore("debian-multiplatform");

/// <summary>gcc alone: a base of many small files, for comparing image sizes with a docker engine's.</summary>
public sealed class GccStore() : BuildStore("gcc");
