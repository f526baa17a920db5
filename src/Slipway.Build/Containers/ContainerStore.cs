using System.Security.Cryptography;
using System.Text.Json;
using Slipway.Store;

namespace Slipway.Build.Containers;

/// <summary>The containers under <c>&lt;root&gt;/containers/</c>, one directory per id: <c>config.json</c> (the
/// <see cref="ContainerRecord"/>, written once), <c>state.json</c> (the <see cref="ContainerState"/>, replaced
/// atomically), <c>container.log</c> (docker's json-file lines) and <c>supervisor.lock</c> (flock'd by the process
/// that owns the running container). Creating, changing the state of and removing a container happen under the
/// store lock, so two commands never write one file at once and a name is never given twice.</summary>
public sealed class ContainerStore(StoreLayout layout, TimeProvider time, TimeSpan? lockTimeout = null)
{
    private const string ConfigFile = "config.json";
    private const string StateFile = "state.json";
    private const string LogFile = "container.log";
    private const string SupervisorLockFile = "supervisor.lock";

    private readonly TimeSpan _lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(60);

    public StoreLayout Layout { get; } = layout ?? throw new ArgumentNullException(nameof(layout));

    /// <summary>A new container id: 32 random bytes in hex, as docker makes them.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Where the container's output goes, as docker's json-file log.</summary>
    public string LogPath(string id) => Path.Join(Layout.ContainerDir(id), LogFile);

    /// <summary>The lock the container's supervisor holds for its life.</summary>
    public string SupervisorLockPath(string id) => Path.Join(Layout.ContainerDir(id), SupervisorLockFile);

    /// <summary>Records a new container, in state <c>created</c>. A record without a name gets a made-up one
    /// (<c>adjective_noun</c>, as docker's); a name already in use is refused with docker's conflict.</summary>
    public async Task<ContainerRecord> CreateAsync(ContainerRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var dir = Layout.ContainerDir(record.Id);
        if (record.Name.Length > 0 && !ContainerNames.IsValid(record.Name))
        {
            throw new ContainerException($"Invalid container name ({record.Name}), only {ContainerNames.ValidPattern} are allowed");
        }

        using var held = await StoreLock.AcquireAsync(Layout.LockFile, _lockTimeout, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(Layout.Containers, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var names = ReadAll().ToDictionary(c => c.Name, c => c.Id, StringComparer.Ordinal);
        if (record.Name.Length == 0)
        {
            record = record with { Name = ContainerNames.Unique(Random.Shared, names.ContainsKey) };
        }
        else if (names.TryGetValue(record.Name, out var owner))
        {
            throw new ContainerException($"Conflict. The container name \"/{record.Name}\" is already in use by container \"{owner}\". "
                + "You have to remove (or rename) that container to be able to reuse that name.");
        }

        if (Directory.Exists(dir))
        {
            throw new ContainerException($"Conflict. A container with id {record.Id} already exists.");
        }

        // Made under a temporary name and renamed into place: a reader never sees a container without its files.
        var temp = Path.Join(Layout.Containers, ".new-" + record.Id);
        Directory.CreateDirectory(temp);
        try
        {
            DurableFile.WriteAtomically(Path.Join(temp, ConfigFile), JsonSerializer.SerializeToUtf8Bytes(record, ContainerJsonContext.Default.ContainerRecord));
            DurableFile.WriteAtomically(Path.Join(temp, StateFile), JsonSerializer.SerializeToUtf8Bytes(new ContainerState(), ContainerJsonContext.Default.ContainerState));
            Directory.Move(temp, dir);
            DurableFile.SyncFolder(Layout.Containers);
        }
        catch
        {
            TreeWalk.Delete(temp, CancellationToken.None);
            throw;
        }

        return record;
    }

    /// <summary>Every container, newest first, with its recorded state.</summary>
    public async Task<IReadOnlyList<StoredContainer>> ListAsync(CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        return [.. ReadAll().OrderByDescending(c => c.Record.Created).ThenBy(c => c.Id, StringComparer.Ordinal)];
    }

    /// <summary>Finds a container as docker does: by its full id, its name (with or without the leading
    /// <c>/</c>), or a unique prefix of its id.</summary>
    public async Task<StoredContainer> FindAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        var all = await ListAsync(cancellationToken).ConfigureAwait(false);
        var name = idOrName.StartsWith('/') ? idOrName[1..] : idOrName;
        if (all.FirstOrDefault(c => c.Id == idOrName) is { } byId)
        {
            return byId;
        }

        if (all.FirstOrDefault(c => c.Name == name) is { } byName)
        {
            return byName;
        }

        if (idOrName.Length > 0 && idOrName.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            var matches = all.Where(c => c.Id.StartsWith(idOrName, StringComparison.Ordinal)).ToList();
            if (matches.Count > 1)
            {
                throw new ContainerException($"multiple IDs found with provided prefix: {idOrName}");
            }

            if (matches.Count == 1)
            {
                return matches[0];
            }
        }

        throw new ContainerException($"No such container: {idOrName}");
    }

    /// <summary>Reads the state, applies <paramref name="change"/> and writes the result atomically, all under the
    /// store lock; returns what was written.</summary>
    public async Task<ContainerState> UpdateStateAsync(string id, Func<ContainerState, ContainerState> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var path = Path.Join(Layout.ContainerDir(id), StateFile);
        using var held = await StoreLock.AcquireAsync(Layout.LockFile, _lockTimeout, cancellationToken).ConfigureAwait(false);
        var current = ReadState(path) ?? throw new ContainerException($"No such container: {id}");
        var next = change(current);
        DurableFile.WriteAtomically(path, JsonSerializer.SerializeToUtf8Bytes(next, ContainerJsonContext.Default.ContainerState));
        return next;
    }

    /// <summary>Removes the container's files (its record, state, log). The caller has made sure nothing runs: the
    /// directory leaves the listing under the store lock at once, and is deleted after.</summary>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken = default)
    {
        var dir = Layout.ContainerDir(id);
        var trash = Path.Join(Layout.Containers, ".removed-" + id + "-" + Guid.NewGuid().ToString("N"));
        using (await StoreLock.AcquireAsync(Layout.LockFile, _lockTimeout, cancellationToken).ConfigureAwait(false))
        {
            if (!Directory.Exists(dir))
            {
                throw new ContainerException($"No such container: {id}");
            }

            Directory.Move(dir, trash);
        }

        TreeWalk.Delete(trash, cancellationToken);
    }

    /// <summary>Takes the container's supervisor lock for the caller's life: false when another process holds it.</summary>
    public bool TryHoldSupervisor(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StoreLock? held) =>
        StoreLock.TryAcquire(SupervisorLockPath(id), out held);

    /// <summary>Whether a process holds the container's supervisor lock: the flock goes with its holder, so a
    /// supervisor killed with <c>kill -9</c> reads as dead here while state.json still says running.</summary>
    public bool IsSupervisorAlive(string id)
    {
        var path = SupervisorLockPath(id);
        if (!File.Exists(path))
        {
            return false;
        }

        if (StoreLock.TryAcquireExisting(path, out var free))
        {
            free.Dispose();
            return false;
        }

        // Refused: held, unless the file went away in between.
        return File.Exists(path);
    }

    /// <summary>The time a state change is stamped with.</summary>
    public DateTimeOffset Now() => time.GetUtcNow();

    private IEnumerable<StoredContainer> ReadAll()
    {
        if (!Directory.Exists(Layout.Containers))
        {
            yield break;
        }

        foreach (var dir in Directory.EnumerateDirectories(Layout.Containers))
        {
            if (!StoreLayout.IsContainerId(Path.GetFileName(dir)))
            {
                continue;
            }

            ContainerRecord? record;
            try
            {
                record = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Join(dir, ConfigFile)), ContainerJsonContext.Default.ContainerRecord);
            }
            catch (Exception ex) when (ex is IOException or JsonException)
            {
                continue; // being removed, or damaged: not a container any command can act on
            }

            if (record is null)
            {
                continue;
            }

            yield return new StoredContainer(record, ReadState(Path.Join(dir, StateFile)) ?? new ContainerState { Status = ContainerState.Dead, Error = "state.json is missing or damaged" });
        }
    }

    private static ContainerState? ReadState(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), ContainerJsonContext.Default.ContainerState);
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }
}
