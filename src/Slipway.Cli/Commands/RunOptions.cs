using System.CommandLine;
using Slipway.Build.Containers;
using Slipway.Build.Engine;
using Slipway.Oci;
using Slipway.Runtime.Network;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary><c>docker run</c>'s flags that Slipway has, and how they turn an image into a <see cref="ContainerRecord"/>.</summary>
internal sealed class RunOptions
{
    public Argument<string> Image { get; } = new("IMAGE");

    public Argument<string[]> Command { get; } = new("COMMAND") { Arity = ArgumentArity.ZeroOrMore };

    public Option<bool> Detach { get; } = new("--detach", "-d") { Description = "Run container in background and print container ID" };

    public Option<string[]> Publish { get; } = new("--publish", "-p") { Description = "Publish a container's port(s) to the host", HelpName = "[IP:][HOSTPORT:]PORT[/PROTO]" };

    public Option<bool> PublishAll { get; } = new("--publish-all", "-P") { Description = "Publish all exposed ports to random ports" };

    public Option<string?> Name { get; } = new("--name") { Description = "Assign a name to the container" };

    public Option<string[]> Env { get; } = new("--env", "-e") { Description = "Set environment variables (KEY=VALUE, or KEY to take it from the environment)", HelpName = "KEY=VALUE" };

    public Option<string[]> EnvFile { get; } = new("--env-file") { Description = "Read in a file of environment variables", HelpName = "FILE" };

    public Option<bool> Interactive { get; } = new("--interactive", "-i") { Description = "Keep STDIN open even if not attached" };

    public Option<bool> Tty { get; } = new("--tty", "-t") { Description = "Allocate a pseudo-TTY" };

    public Option<string?> User { get; } = new("--user", "-u") { Description = "Username or UID (format: <name|uid>[:<group|gid>])" };

    public Option<string?> Workdir { get; } = new("--workdir", "-w") { Description = "Working directory inside the container" };

    public Option<string?> Entrypoint { get; } = new("--entrypoint") { Description = "Overwrite the default ENTRYPOINT of the image" };

    public Option<string[]> Volume { get; } = new("--volume", "-v") { Description = "Bind mount a host directory (HOST-DIR:CONTAINER-DIR[:ro])", HelpName = "HOST-DIR:CONTAINER-DIR[:ro]" };

    public Option<bool> Remove { get; } = new("--rm") { Description = "Automatically remove the container and its associated anonymous volumes when it exits" };

    public Option<string?> Hostname { get; } = new("--hostname") { Description = "Container host name (default: the short container ID)" };

    public Option<string> Network { get; } = new("--network")
    {
        Description = "Connect a container to a network: default (a private network with outbound access and published ports; also bridge), host or none",
        DefaultValueFactory = _ => "default",
    };

    public Option<string> Pull { get; } = new("--pull")
    {
        Description = "Pull image before running (\"always\", \"missing\", \"never\")",
        DefaultValueFactory = _ => "missing",
    };

    public Option<string?> Platform { get; } = new("--platform") { Description = "Set platform if server is multi-platform capable" };

    public Option<string?> Runtime { get; } = new("--runtime") { Description = "Runtime to use for this container: runc, crun or a path" };

    public RunHealthOptions Health { get; } = new();

    public IEnumerable<Symbol> All =>
    [
        Image, Command, Detach, Publish, PublishAll, Name, Env, EnvFile, Interactive, Tty, User, Workdir, Entrypoint, Volume, Remove, Hostname,
        Network, Pull, Platform, Runtime, .. Health.All,
    ];

    public RunOptions()
    {
        Network.AcceptOnlyFromAmong("default", "bridge", "host", "none");
        Pull.AcceptOnlyFromAmong("always", "missing", "never");
    }

    /// <summary>The container <paramref name="parse"/> asks for, from <paramref name="image"/>; a mistake in a flag
    /// is a <see cref="ContainerException"/> with docker's words.</summary>
    public ContainerRecord ToRecord(ParseResult parse, string id, StoredImage image, string runtimeName, ICliEnvironment env, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(image);
        var config = image.Config.Config ?? new ContainerConfig();
        var command = parse.GetValue(Command) ?? [];
        IReadOnlyList<string> entrypoint = config.Entrypoint ?? [];
        IReadOnlyList<string> cmd = config.Cmd ?? [];
        if (parse.GetValue(Entrypoint) is { } newEntrypoint)
        {
            // docker: a new entrypoint drops the image's CMD as well.
            entrypoint = newEntrypoint.Length == 0 ? [] : [newEntrypoint];
            cmd = [];
        }

        if (command.Length > 0)
        {
            cmd = command;
        }

        List<string> args = [.. entrypoint, .. cmd];
        if (args.Count == 0)
        {
            throw new ContainerException("no command specified");
        }

        var workdir = parse.GetValue(Workdir);
        if (workdir is not null && !workdir.StartsWith('/'))
        {
            throw new ContainerException($"the working directory '{workdir}' is invalid, it needs to be an absolute path");
        }

        var network = parse.GetValue(Network) is "host" or "none" ? parse.GetValue(Network)! : ContainerNetwork.Bridge;
        var ports = Ports(parse, config, network, env);
        foreach (var bind in parse.GetValue(Volume) ?? [])
        {
            if (!BindSpec.TryParse(bind, out _, out var bindError))
            {
                throw new ContainerException(bindError);
            }
        }

        var exposed = (config.ExposedPorts ?? []).Concat(ports.Select(p => $"{p.ContainerPort}/{p.Protocol}")).Distinct(StringComparer.Ordinal).ToList();
        return new ContainerRecord
        {
            Id = id,
            Name = parse.GetValue(Name) ?? "",
            Image = parse.GetValue(Image)!,
            ImageId = image.Id,
            ImageManifest = image.ManifestDescriptor.Digest,
            Created = now,
            Path = args[0],
            Args = args[1..],
            Config = config with
            {
                Env = Environment(config.Env ?? [StepState.DefaultPath], parse, env),
                User = parse.GetValue(User) ?? config.User,
                WorkingDir = workdir ?? config.WorkingDir,
                Entrypoint = entrypoint.Count == 0 ? null : entrypoint,
                Cmd = cmd.Count == 0 ? null : cmd,
                ExposedPorts = exposed.Count == 0 ? null : exposed,
                Healthcheck = Health.Apply(parse, config.Healthcheck),
            },
            Hostname = parse.GetValue(Hostname) is { Length: > 0 } hostname ? hostname : id[..12],
            Tty = parse.GetValue(Tty),
            OpenStdin = parse.GetValue(Interactive),
            Ports = ports,
            Binds = parse.GetValue(Volume) ?? [],
            NetworkMode = network,
            AutoRemove = parse.GetValue(Remove),
            RuntimeName = runtimeName,
        };
    }

    private List<PortMapping> Ports(ParseResult parse, ContainerConfig config, string network, ICliEnvironment env)
    {
        var ports = new List<PortMapping>();
        foreach (var value in parse.GetValue(Publish) ?? [])
        {
            ports.AddRange(PortSpec.Parse(value));
        }

        if (parse.GetValue(PublishAll))
        {
            ports.AddRange(PortSpec.PublishAll(config.ExposedPorts ?? []).Where(p => !ports.Any(q => q.ContainerPort == p.ContainerPort && q.Protocol == p.Protocol)));
        }

        if (ports.Count > 0 && network != ContainerNetwork.Bridge)
        {
            if (network == ContainerNetwork.Host)
            {
                env.Error.WriteLine("WARNING: Published ports are discarded when using host network mode");
            }

            return [];
        }

        return ports;
    }

    /// <summary>The image's environment with <c>--env-file</c> then <c>-e</c> applied, as docker applies them: a
    /// variable set again replaces the earlier value; <c>KEY</c> alone takes the value this shell has, and is left
    /// out when the shell has none.</summary>
    private List<string> Environment(IReadOnlyList<string> image, ParseResult parse, ICliEnvironment env)
    {
        var result = new List<string>(image);
        var given = new List<string>();
        foreach (var file in parse.GetValue(EnvFile) ?? [])
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(file);
            }
            catch (IOException ex)
            {
                throw new ContainerException(ErrorText.Describe(ex, file), ex);
            }

            given.AddRange(lines.Select(l => l.TrimStart()).Where(l => l.Length > 0 && !l.StartsWith('#')));
        }

        given.AddRange(parse.GetValue(Env) ?? []);
        foreach (var entry in given)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq == 0)
            {
                throw new ContainerException($"invalid environment variable: {entry}");
            }

            var key = eq < 0 ? entry : entry[..eq];
            string value;
            if (eq >= 0)
            {
                value = entry;
            }
            else if (env.GetVariable(key) is { } fromShell)
            {
                value = key + "=" + fromShell;
            }
            else
            {
                continue;
            }

            result.RemoveAll(e => e == key || e.StartsWith(key + "=", StringComparison.Ordinal));
            result.Add(value);
        }

        return result;
    }
}
