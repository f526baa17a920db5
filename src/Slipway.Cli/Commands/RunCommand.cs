using System.CommandLine;
using System.Diagnostics;
using Slipway.Build.Containers;
using Slipway.Build.Engine;
using Slipway.Cli.Output;
using Slipway.Runtime;
using Slipway.Runtime.Emulation;
using Slipway.Store.Images;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway run [OPTIONS] IMAGE [COMMAND] [ARG...]</c> as <c>docker run</c>: a container from an image,
/// recorded in the store (<c>ps -a</c> shows it until <c>rm</c>, or <c>--rm</c> removes it at its end). In the
/// foreground the container's output is printed and its exit status is the command's; with <c>-d</c> a detached
/// supervisor process owns it and the full id is printed once it runs.</summary>
internal static class RunCommand
{
    /// <summary>How long <c>run -d</c> waits for its supervisor to report the container running.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var options = new RunOptions();
        var run = new Command("run", "Create and run a new container from an image");
        foreach (var symbol in options.All)
        {
            switch (symbol)
            {
                case Argument argument:
                    run.Arguments.Add(argument);
                    break;
                case Option option:
                    run.Options.Add(option);
                    break;
            }
        }

        run.TreatUnmatchedTokensAsErrors = false;
        run.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            try
            {
                return await RunAsync(ctx, options, parse, token).ConfigureAwait(false);
            }
            catch (Oci.SlipwayException ex)
            {
                return ErrorRenderer.Render(ctx.Env.Error, ex, ctx.Debug, ContainerExit.StartFailed);
            }
        }, ct));
        return run;
    }

    private static async Task<int> RunAsync(CommandContext ctx, RunOptions options, ParseResult parse, CancellationToken token)
    {
        var requested = parse.GetValue(options.Runtime);
        var runtime = ContainerRuntimes.For(ctx, requested);
        var imageName = parse.GetValue(options.Image)!;
        Oci.Platform? platform = null;
        if (parse.GetValue(options.Platform) is { Length: > 0 } asked && !Oci.Platform.TryParse(asked, out platform, out var invalid))
        {
            return ErrorRenderer.Fail(ctx.Env.Error, invalid, ContainerExit.StartFailed);
        }

        // A platform this machine cannot run fails here, before a pull or a container, saying what to install.
        // Read only for another platform than the host's, which always runs.
        var emulation = new Lazy<EmulationReport>(() => Emulators.Detect());
        if (platform is not null && !Emulators.IsHost(platform) && emulation.Value.CannotRunSentence(platform) is { } refused)
        {
            return ErrorRenderer.Fail(ctx.Env.Error, refused, ContainerExit.StartFailed);
        }

        var image = await ImageAsync(ctx, imageName, parse.GetValue(options.Pull)!, platform, token).ConfigureAwait(false);
        var actual = image.Config.Platform.Normalize();
        if (actual.Architecture.Length > 0)
        {
            if (platform is null && !new Oci.PlatformMatcher(Oci.Platform.Host).Matches(actual))
            {
                ctx.Env.Error.WriteLine($"WARNING: The requested image's platform ({actual}) does not match the detected host platform ({Oci.Platform.Host}) and no specific platform was requested");
            }

            if (!Emulators.IsHost(actual) && emulation.Value.CannotRunSentence(actual) is { } cannot)
            {
                return ErrorRenderer.Fail(ctx.Env.Error, cannot, ContainerExit.StartFailed);
            }
        }

        var id = ContainerStore.NewId();
        var record = options.ToRecord(parse, id, image, requested ?? runtime.Name, ctx.Env, ctx.Env.Time.GetUtcNow());
        await ctx.Images.KeepForContainerAsync(id, image.ManifestDescriptor, token).ConfigureAwait(false);
        try
        {
            record = await ctx.Containers.CreateAsync(record, token).ConfigureAwait(false);
        }
        catch
        {
            await ctx.Images.ReleaseForContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return parse.GetValue(options.Detach)
            ? await DetachAsync(ctx, record, token).ConfigureAwait(false)
            : await ForegroundAsync(ctx, record, runtime, token).ConfigureAwait(false);
    }

    /// <summary>The image to run, pulled as <c>docker run --pull</c> says: <c>missing</c> (the default) pulls only
    /// when the store lacks it, with docker's "Unable to find image" and the pull's lines on stderr; <c>always</c>
    /// pulls first; <c>never</c> only looks in the store.</summary>
    private static async Task<StoredImage> ImageAsync(CommandContext ctx, string imageName, string pull, Oci.Platform? platform, CancellationToken token)
    {
        if (pull != "always")
        {
            try
            {
                return (await ctx.Images.FindAsync(imageName, platform, token).ConfigureAwait(false)).Image;
            }
            catch (ImageException) when (pull == "missing" && Oci.ImageReference.TryParse(imageName, out _, out _))
            {
                ctx.Env.Error.WriteLine($"Unable to find image '{Familiar(imageName)}' locally");
            }
            catch (ImageException)
            {
                throw new ImageException($"No such image: {Familiar(imageName)}");
            }
        }

        var reference = ImageStore.ParseTarget(imageName);
        return await TransferCommands.PullAsync(ctx, reference, platform?.ToString(), quiet: false, ctx.Env.Error, token).ConfigureAwait(false);
    }

    private static string Familiar(string name) =>
        Oci.ImageReference.TryParse(name, out var reference, out _) ? reference.FamiliarName + ":" + (reference.Tag ?? "latest") : name;

    /// <summary>The supervisor in this process: output printed as it comes, stdin passed with <c>-i</c>, the
    /// terminal with <c>-t</c>; a signal to this process is passed on to the container (SIGTERM, then SIGKILL when
    /// it does not end within ten seconds).</summary>
    private static async Task<int> ForegroundAsync(CommandContext ctx, ContainerRecord record, IContainerRuntime runtime, CancellationToken token)
    {
        var supervisor = new ContainerSupervisor(ctx.Store, ctx.Containers, Composition.Snapshotter(ctx.Store), runtime)
        {
            Network = ContainerRuntimes.Network(ctx),
            InheritStdio = record.Tty,
            Stdin = record.OpenStdin && !record.Tty ? ctx.Env.OpenStandardInput() : null,
            Echo = line =>
            {
                var writer = line.Channel == OutputChannel.Stderr ? ctx.Env.Error : ctx.Env.Out;
                lock (ctx.Env.Out)
                {
                    writer.WriteLine(line.Text);
                }
            },
        };
        var control = ContainerRuntimes.Control(ctx);
        await using var forward = token.Register(() => _ = StopOnSignalAsync(ctx, control, record.Id));
        var state = await supervisor.RunAsync(record.Id, CancellationToken.None).ConfigureAwait(false);
        if (state.Error.Length > 0 && state.Status == ContainerState.Created)
        {
            return ErrorRenderer.Fail(ctx.Env.Error, state.Error, state.ExitCode);
        }

        return state.ExitCode;
    }

    private static async Task StopOnSignalAsync(CommandContext ctx, ContainerControl control, string id)
    {
        try
        {
            var container = await ctx.Containers.FindAsync(id, CancellationToken.None).ConfigureAwait(false);
            await control.StopAsync(container, Signals.Parse(container.Record.Config.StopSignal ?? "SIGTERM"), TimeSpan.FromSeconds(10), CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (ContainerException)
        {
            // Gone already.
        }
    }

    /// <summary>Starts the supervisor as a process of its own, in a new session with its stdio on /dev/null so that
    /// neither the terminal nor this process's end touches it, and waits until it reports the container running
    /// (the full id is printed, as docker prints it) or not started (the error, with docker's status).</summary>
    private static async Task<int> DetachAsync(CommandContext ctx, ContainerRecord record, CancellationToken token)
    {
        using var supervisor = StartSupervisor(ctx, record.Id);
        var started = ctx.Env.Time.GetTimestamp();
        while (true)
        {
            StoredContainer current;
            try
            {
                current = await ctx.Containers.FindAsync(record.Id, token).ConfigureAwait(false);
            }
            catch (ContainerException)
            {
                // An --rm container that already ended and removed itself.
                break;
            }

            if (current.State.Status != ContainerState.Created || current.State.Error.Length > 0)
            {
                if (current.State.Status == ContainerState.Created)
                {
                    return ErrorRenderer.Fail(ctx.Env.Error, current.State.Error, current.State.ExitCode);
                }

                break;
            }

            if (supervisor.HasExited || ctx.Env.Time.GetElapsedTime(started) > StartTimeout)
            {
                return ErrorRenderer.Fail(ctx.Env.Error, $"the supervisor of container {record.ShortId} ended before the container started", ContainerExit.StartFailed);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), ctx.Env.Time, token).ConfigureAwait(false);
        }

        ctx.Env.Out.WriteLine(record.Id);
        return 0;
    }

    private static Process StartSupervisor(CommandContext ctx, string id)
    {
        var self = Environment.ProcessPath ?? throw new ContainerException("cannot find the slipway program to start a supervisor");
        // The published binary runs itself; under dotnet (a test host, dotnet slipway.dll) the supervisor is the
        // slipway.dll beside this code, run by the same dotnet.
        var program = Path.GetFileNameWithoutExtension(self);
        List<string> command = program == "slipway" ? [self]
            : [program == "dotnet" ? self : ctx.Env.GetVariable("DOTNET_HOST_PATH") ?? "dotnet", Path.Join(AppContext.BaseDirectory, "slipway.dll")];
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // exec: the supervisor is this child itself, in a session of its own, reading and writing nothing of ours.
        foreach (var arg in (string[])["-c", "exec /usr/bin/setsid \"$@\" </dev/null >/dev/null 2>&1", "sh", .. command, "--root", ctx.Root, ContainerCommands.SuperviseName, id])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PATH"] = ctx.Env.GetVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["HOME"] = ctx.Env.GetVariable("HOME") ?? "/root";
        return Process.Start(start) ?? throw new ContainerException("cannot start the container's supervisor");
    }
}
