using Microsoft.Extensions.Time.Testing;
using Slipway.Build.Containers;
using Slipway.Build.Containers.Health;
using Slipway.Build.Containers.Logs;
using Slipway.Oci;
using Slipway.Runtime;
using Slipway.Runtime.Network;
using Slipway.Store;

namespace Slipway.Cli.Tests.Containers;

/// <summary>A store root with containers written straight through <see cref="ContainerStore"/>: no runtime, no
/// supervisor process — a "running" container's supervisor lock is held by the test itself.</summary>
internal sealed class SeededContainers : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("slipway-ps-");
    private readonly List<IDisposable> _held = [];

    public SeededContainers()
    {
        var layout = new StoreLayout(_root.FullName);
        layout.Create();
        Store = new ContainerStore(layout, Time);
    }

    public FakeTimeProvider Time { get; } = new(Now);

    public ContainerStore Store { get; }

    public string Root => _root.FullName;

    public async Task<ContainerRecord> AddAsync(string name, DateTimeOffset created, Func<ContainerState, ContainerState>? state = null,
        bool supervised = false, string image = "web:1", IReadOnlyList<PortMapping>? ports = null,
        IReadOnlyDictionary<string, string>? labels = null, Digest? imageId = null, string path = "/app", params string[] args)
    {
        var record = await Store.CreateAsync(new ContainerRecord
        {
            Id = ContainerStore.NewId(),
            Name = name,
            Image = image,
            ImageId = imageId ?? Digest.Parse("sha256:" + new string('a', 64)),
            ImageManifest = Digest.Parse("sha256:" + new string('b', 64)),
            Created = created,
            Path = path,
            Args = args,
            Config = new ContainerConfig { Labels = labels, ExposedPorts = ["80/tcp"] },
            Hostname = name,
            Ports = ports ?? [],
            RuntimeName = "runc",
        });
        if (state is not null)
        {
            await Store.UpdateStateAsync(record.Id, state);
        }

        if (supervised)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Store.SupervisorLockPath(record.Id))!);
            Assert.True(Store.TryHoldSupervisor(record.Id, out var held));
            _held.Add(held);
        }

        return record;
    }

    public static Func<ContainerState, ContainerState> Running(DateTimeOffset started, string? health = null) =>
        s => s with
        {
            Status = ContainerState.Running,
            StartedAt = started,
            Pid = 4242,
            Health = health is null ? null : new HealthState { Status = health },
        };

    public static Func<ContainerState, ContainerState> Exited(DateTimeOffset started, DateTimeOffset finished, int code) =>
        s => s with { Status = ContainerState.Exited, StartedAt = started, FinishedAt = finished, ExitCode = code };

    public void Log(string id, params (OutputChannel Channel, string Text, DateTimeOffset Time)[] lines)
    {
        using var writer = JsonFileLog.Writer(Store.LogPath(id));
        foreach (var (channel, text, time) in lines)
        {
            writer.Write(channel, text, time);
        }
    }

    /// <summary>The supervisor of a container dies: its lock is let go.</summary>
    public void KillSupervisors()
    {
        foreach (var held in _held)
        {
            held.Dispose();
        }

        _held.Clear();
    }

    public async Task<FakeEnvironment> RunAsync(params string[] args)
    {
        var env = new FakeEnvironment { IsRoot = true, Time = Time };
        var code = await SlipwayApp.RunAsync(["--root", Root, .. args], env);
        env.Variables["exit"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return env;
    }

    public void Dispose()
    {
        KillSupervisors();
        _root.Delete(true);
    }
}
