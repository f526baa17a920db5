using System.Security.Cryptography;
using System.Text;
using Slipway.Build.Context;
using Slipway.Store;
using Slipway.Store.Layers;

namespace Slipway.Build.Tests.Context;

public sealed class ContentIndexTests : IDisposable
{
    private readonly DirectoryInfo _store = Directory.CreateTempSubdirectory("slipway-idx-store-");
    private readonly DirectoryInfo _context = Directory.CreateTempSubdirectory("slipway-idx-ctx-");

    public void Dispose()
    {
        _store.Delete(true);
        _context.Delete(true);
    }

    private string IndexFile => ContentIndex.PathFor(new StoreLayout(_store.FullName), _context.FullName);

    private string Write(string name, string content)
    {
        var path = Path.Join(_context.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private ContentIndex Open() => ContentIndex.Open(new StoreLayout(_store.FullName), _context.FullName);

    private static byte[] Digest(ContentIndex index, string path) => index.ContentDigest(path, LayerNative.LStat(path)!.Value);

    /// <summary>Saves and dates the index file well after every file here, so no entry counts as racily clean and
    /// the test does not depend on the clock ticking between a write and the save.</summary>
    private void SaveSettled(ContentIndex index)
    {
        index.Save();
        File.SetLastWriteTimeUtc(IndexFile, DateTime.UtcNow.AddHours(1));
    }

    [Fact]
    public void An_unchanged_file_is_answered_from_the_saved_index_without_reading_it()
    {
        var path = Write("a.txt", "hello");
        var first = Open();
        var digest = Digest(first, path);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("hello")), digest);
        Assert.Equal((0, 1), (first.Hits, first.Hashed));
        SaveSettled(first);

        var second = Open();
        Assert.Equal(digest, Digest(second, path));
        Assert.Equal((1, 0), (second.Hits, second.Hashed));
    }

    [Fact]
    public void Lstat_reports_the_change_time_the_index_relies_on()
    {
        var path = Write("a.txt", "hello");
        File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var stat = LayerNative.LStat(path)!.Value;
        // Setting the mtime moved the ctime to now, which no API can set back.
        Assert.InRange(stat.CTimeSeconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), stat.MTimeSeconds);
        Assert.InRange(stat.CTimeNanoseconds, 0u, 999_999_999u);
    }

    [Fact]
    public void A_file_whose_size_changed_is_hashed_again()
    {
        var path = Write("a.txt", "hello");
        var first = Open();
        Digest(first, path);
        SaveSettled(first);

        Write("a.txt", "hello, world");
        var second = Open();
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("hello, world")), Digest(second, path));
        Assert.Equal((0, 1), (second.Hits, second.Hashed));
    }

    [Fact]
    public void A_file_whose_mtime_changed_is_hashed_again()
    {
        var path = Write("a.txt", "hello");
        File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var first = Open();
        Digest(first, path);
        SaveSettled(first);

        // Same size, new bytes, an mtime that moved: only the stat can tell, and it does.
        File.WriteAllText(path, "HELLO");
        File.SetLastWriteTimeUtc(path, new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = Open();
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("HELLO")), Digest(second, path));
        Assert.Equal(1, second.Hashed);
    }

    [Fact]
    public void A_file_replaced_by_another_inode_with_the_same_size_and_mtime_is_hashed_again()
    {
        var path = Write("a.txt", "hello");
        var mtime = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, mtime);
        var first = Open();
        Digest(first, path);
        SaveSettled(first);

        // The old file stays linked elsewhere, so the new one cannot reuse its inode number.
        File.Move(path, Path.Join(_context.FullName, "old.txt"));
        Write("a.txt", "HELLO");
        File.SetLastWriteTimeUtc(path, mtime);
        Assert.NotEqual(LayerNative.LStat(Path.Join(_context.FullName, "old.txt"))!.Value.Inode, LayerNative.LStat(path)!.Value.Inode);
        var second = Open();
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("HELLO")), Digest(second, path));
        Assert.Equal(1, second.Hashed);
    }

    [Fact]
    public void An_entry_not_older_than_the_index_file_is_racy_and_hashed_again()
    {
        var path = Write("a.txt", "hello");
        var first = Open();
        Digest(first, path);
        first.Save();
        // The index written in the same tick as the file's last change: the file may have changed again in that
        // tick without its stat showing it.
        var stat = LayerNative.LStat(path)!.Value;
        File.SetLastWriteTimeUtc(IndexFile, DateTime.UnixEpoch.AddTicks(stat.CTimeSeconds * TimeSpan.TicksPerSecond));

        var second = Open();
        Digest(second, path);
        Assert.Equal((0, 1), (second.Hits, second.Hashed));
    }

    [Fact]
    public void A_racy_entry_hashed_again_is_saved_so_the_next_build_trusts_it()
    {
        var path = Write("a.txt", "hello");
        var first = Open();
        Digest(first, path);
        first.Save();
        File.SetLastWriteTimeUtc(IndexFile, DateTime.UnixEpoch);

        var second = Open();
        Digest(second, path);
        SaveSettled(second);

        var third = Open();
        Digest(third, path);
        Assert.Equal((1, 0), (third.Hits, third.Hashed));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("flipped")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public void A_corrupt_index_is_ignored_and_rebuilt(string damage)
    {
        var path = Write("a.txt", "hello");
        var first = Open();
        Digest(first, path);
        SaveSettled(first);

        var bytes = File.ReadAllBytes(IndexFile);
        bytes = damage switch
        {
            "garbage" => Encoding.UTF8.GetBytes("not an index at all, just some text long enough to look like one"),
            "flipped" => [.. bytes[..20], (byte)(bytes[20] ^ 1), .. bytes[21..]],
            "truncated" => bytes[..(bytes.Length / 2)],
            _ => [],
        };
        File.WriteAllBytes(IndexFile, bytes);
        File.SetLastWriteTimeUtc(IndexFile, DateTime.UtcNow.AddHours(1));

        var second = Open();
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes("hello")), Digest(second, path));
        Assert.Equal((0, 1), (second.Hits, second.Hashed));
        SaveSettled(second);

        var third = Open();
        Digest(third, path);
        Assert.Equal((1, 0), (third.Hits, third.Hashed));
    }

    [Fact]
    public async Task Two_builds_saving_at_once_leave_one_whole_index_and_no_temp_files()
    {
        var paths = Enumerable.Range(0, 200).Select(i => Write($"f{i}", new string('x', i))).ToList();
        var writers = Enumerable.Range(0, 4).Select(_ => Open()).ToList();
        await Task.WhenAll(writers.Select((index, n) => Task.Run(() =>
        {
            foreach (var path in paths.Where((_, i) => i % writers.Count == n))
            {
                Digest(index, path);
            }

            index.Save();
        }, TestContext.Current.CancellationToken)));
        File.SetLastWriteTimeUtc(IndexFile, DateTime.UtcNow.AddHours(1));

        var after = Open();
        foreach (var path in paths)
        {
            Digest(after, path);
        }

        // The last writer won: its quarter comes from the index, the rest is hashed; the file was whole.
        Assert.Equal(paths.Count / writers.Count, after.Hits);
        Assert.Equal([Path.GetFileName(IndexFile)], Directory.GetFiles(Path.GetDirectoryName(IndexFile)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Entries_of_deleted_files_are_dropped_on_save()
    {
        var kept = Write("kept", "1");
        var gone = Write("gone", "2");
        var first = Open();
        Digest(first, kept);
        Digest(first, gone);
        SaveSettled(first);
        var size = new FileInfo(IndexFile).Length;

        File.Delete(gone);
        var second = Open();
        Digest(second, Write("new", "3"));
        SaveSettled(second);

        var third = Open();
        Digest(third, kept);
        Assert.Equal(1, third.Hits);
        Assert.Equal(size, new FileInfo(IndexFile).Length + ("gone".Length - "new".Length));
    }

    [Fact]
    public void An_index_without_changes_is_not_written_again()
    {
        var path = Write("a.txt", "hello");
        var first = Open();
        Digest(first, path);
        SaveSettled(first);
        var written = File.GetLastWriteTimeUtc(IndexFile);

        var second = Open();
        Digest(second, path);
        second.Save();
        Assert.Equal(written, File.GetLastWriteTimeUtc(IndexFile));
    }
}
