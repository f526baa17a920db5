namespace Slipway.Integration.Tests.Fixtures;

/// <summary>A directory under the system temp folder, removed with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Path = Directory.CreateTempSubdirectory("slipway-test-").FullName;

    public string Path { get; }

    /// <summary>A new build context under this directory: the Dockerfile and the files given.</summary>
    public string Context(string dockerfile, params (string Name, string Text)[] files)
    {
        var dir = Directory.CreateDirectory(System.IO.Path.Join(Path, "ctx-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        File.WriteAllText(System.IO.Path.Join(dir, "Dockerfile"), dockerfile);
        foreach (var (name, text) in files)
        {
            File.WriteAllText(System.IO.Path.Join(dir, name), text);
        }

        return dir;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory must not fail the test that made it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
