using System.Diagnostics;

namespace Slipway.Testing;

/// <summary>A git repository made for a test: a work tree to write and commit in, published as a bare repository
/// (<c>repo.git</c> under <see cref="ServedDir"/>) with <c>git update-server-info</c>, so that a static file server
/// over <see cref="ServedDir"/> serves it over git's dumb HTTP protocol.</summary>
public sealed class GitRepository
{
    public GitRepository(string dir)
    {
        Work = Directory.CreateDirectory(Path.Join(dir, "work")).FullName;
        ServedDir = Directory.CreateDirectory(Path.Join(dir, "served")).FullName;
        Git(Work, "init", "--quiet", "-b", "main");
    }

    public string Work { get; }

    /// <summary>The directory to serve: it holds <c>repo.git</c>.</summary>
    public string ServedDir { get; }

    public string Bare => Path.Join(ServedDir, "repo.git");

    public void Write(string path, string content)
    {
        var file = Path.Join(Work, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
    }

    public void Symlink(string path, string target)
    {
        var link = Path.Join(Work, path);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, target);
    }

    /// <summary>Commits everything in the work tree; returns the commit's sha.</summary>
    public string Commit(string message)
    {
        Git(Work, "add", "--all");
        Git(Work, "commit", "--quiet", "-m", message);
        return Git(Work, "rev-parse", "HEAD").Trim();
    }

    public void Tag(string name, bool annotated = false)
    {
        if (annotated)
        {
            Git(Work, "tag", "-a", "-m", "tag " + name, name);
        }
        else
        {
            Git(Work, "tag", name);
        }
    }

    public void Branch(string name) => Git(Work, "checkout", "--quiet", "-b", name);

    public void Checkout(string name) => Git(Work, "checkout", "--quiet", name);

    /// <summary>Makes <see cref="Bare"/> what the work tree's branches and tags are now, ready for dumb HTTP.</summary>
    public void Publish()
    {
        if (Directory.Exists(Bare))
        {
            Directory.Delete(Bare, true);
        }

        Git(ServedDir, "clone", "--quiet", "--bare", Work, Bare);
        Git(Bare, "update-server-info");
    }

    /// <summary>Runs git with a fixed identity and no user configuration; returns stdout, fails the test on an error.</summary>
    public static string Git(string dir, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-c", "user.name=Slipway Test", "-c", "user.email=test@slipway.invalid", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)} failed: {stderr}");
        return stdout.Result;
    }
}
