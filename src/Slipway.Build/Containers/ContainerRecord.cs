using Slipway.Oci;
using Slipway.Runtime.Network;

namespace Slipway.Build.Containers;

/// <summary>What a container was made from and how: written once to <c>containers/&lt;id&gt;/config.json</c> when
/// the container is created and never changed. Property names are docker inspect's where docker has the field.</summary>
public sealed record ContainerRecord
{
    /// <summary>64 lowercase hex digits, docker's full id; the first 12 are the short id.</summary>
    public required string Id { get; init; }

    /// <summary>The name without docker's leading <c>/</c> (given with <c>--name</c>, or made up).</summary>
    public required string Name { get; init; }

    /// <summary>The image as the user typed it (<c>nginx</c>, <c>sha256:…</c>).</summary>
    public required string Image { get; init; }

    /// <summary>The image's id: its config digest.</summary>
    public required Digest ImageId { get; init; }

    /// <summary>The manifest the image was run from: the container keeps it (and so its blobs) while it exists.</summary>
    public required Digest ImageManifest { get; init; }

    public required DateTimeOffset Created { get; init; }

    /// <summary>The program the container runs (the entrypoint's or the command's first word).</summary>
    public required string Path { get; init; }

    /// <summary>The program's arguments after <see cref="Path"/>.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>The image's config with <c>run</c>'s flags applied: Env, User, WorkingDir, Entrypoint, Cmd, Labels,
    /// Healthcheck, StopSignal, ExposedPorts.</summary>
    public required ContainerConfig Config { get; init; }

    /// <summary><c>--hostname</c>, or the short id as docker does.</summary>
    public required string Hostname { get; init; }

    /// <summary><c>-t</c>: the process has a terminal.</summary>
    public bool Tty { get; init; }

    /// <summary><c>-i</c>: the process's stdin stays open.</summary>
    public bool OpenStdin { get; init; }

    /// <summary>The published ports (<c>-p</c>, <c>-P</c>) with the host ports chosen when the container was made.</summary>
    public IReadOnlyList<PortMapping> Ports { get; init; } = [];

    /// <summary><c>-v HOST:CONTAINER[:ro]</c> binds, as given.</summary>
    public IReadOnlyList<string> Binds { get; init; } = [];

    /// <summary>docker's HostConfig.NetworkMode: <c>bridge</c> (a private namespace of its own, the default),
    /// <c>host</c> or <c>none</c>.</summary>
    public string NetworkMode { get; init; } = ContainerNetwork.Bridge;

    /// <summary><c>--rm</c>: the container is removed when it exits.</summary>
    public bool AutoRemove { get; init; }

    /// <summary>The OCI runtime that runs it (<c>runc</c>, <c>crun</c>, or a path).</summary>
    public required string RuntimeName { get; init; }

    /// <summary>The short id docker prints: the id's first 12 digits.</summary>
    public string ShortId => Id[..12];
}

/// <summary>The network modes of <c>run --network</c>, as docker names them in HostConfig.NetworkMode.</summary>
public static class ContainerNetwork
{
    /// <summary>A private network namespace with outbound access and published ports (docker's default bridge).</summary>
    public const string Bridge = "bridge";

    public const string Host = "host";

    public const string None = "none";
}
