using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Slipway.Store;

/// <summary>An exclusive lock on a file that holds across processes: .NET opens a file with
/// <see cref="FileShare.None"/> under flock(LOCK_EX|LOCK_NB) on Unix, so a second opener — another thread, another
/// Slipway process, or util-linux <c>flock</c> — is refused until the holder disposes it.</summary>
public sealed class StoreLock : IDisposable
{
    private readonly FileStream _stream;

    private StoreLock(FileStream stream) => _stream = stream;

    public static bool TryAcquire(string path, [NotNullWhen(true)] out StoreLock? held)
    {
        try
        {
            held = new StoreLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            held = null;
            return false;
        }
    }

    /// <summary>Takes the lock of a file that must already exist. False when another holder has it or the file is
    /// gone (its owner released it meanwhile): a check for a dead owner must never create the file again.</summary>
    public static bool TryAcquireExisting(string path, [NotNullWhen(true)] out StoreLock? held)
    {
        try
        {
            held = new StoreLock(new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None));
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Held by a live owner, or removed (FileNotFoundException is an IOException).
            held = null;
            return false;
        }
    }

    /// <summary>Creates <paramref name="path"/> already held: the file is made and locked under a temporary name and
    /// renamed into place (the flock goes with the inode), so whoever looks for dead owners never finds it unheld.</summary>
    public static StoreLock CreateHeld(string path)
    {
        var temp = Path.Join(Path.GetDirectoryName(path), $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch
        {
            stream.Dispose();
            File.Delete(temp);
            throw;
        }

        return new StoreLock(stream);
    }

    /// <summary>Waits for the lock with a short back-off, up to <paramref name="timeout"/>.</summary>
    public static async Task<StoreLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        // Elapsed time, not the wall clock: a clock that jumps neither ends the wait early nor stretches it.
        var started = Stopwatch.GetTimestamp();
        var delay = 5;
        while (true)
        {
            if (TryAcquire(path, out var held))
            {
                return held;
            }

            if (Stopwatch.GetElapsedTime(started) >= timeout)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#}s waiting for the store lock {path}; is another slipway running?");
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 100);
        }
    }

    /// <summary>The blocking form, for short critical sections in synchronous code (lease updates).</summary>
    public static StoreLock Acquire(string path, TimeSpan timeout)
    {
        // Elapsed time, not the wall clock: a clock that jumps neither ends the wait early nor stretches it.
        var started = Stopwatch.GetTimestamp();
        var delay = 5;
        StoreLock? held;
        while (!TryAcquire(path, out held))
        {
            if (Stopwatch.GetElapsedTime(started) >= timeout)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#}s waiting for the store lock {path}; is another slipway running?");
            }

            Thread.Sleep(delay);
            delay = Math.Min(delay * 2, 100);
        }

        return held;
    }

    public void Dispose() => _stream.Dispose();
}
