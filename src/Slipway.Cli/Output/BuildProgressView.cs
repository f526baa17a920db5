using Slipway.Build.Engine;
using Spectre.Console;

namespace Slipway.Cli.Output;

/// <summary><c>--progress</c>: auto is tty on a terminal, plain otherwise.</summary>
internal enum ProgressMode
{
    Auto,
    Plain,
    Tty,
    Quiet,
    RawJson,
}

/// <summary>How a build's progress is shown: the live view on a terminal, plain lines, BuildKit's rawjson or (quiet)
/// only what fails; with <c>--explain-cache</c>, every step's cache outcome after the build.</summary>
internal sealed class BuildProgressView
{
    private readonly ICliEnvironment _env;
    private readonly TtyProgress? _tty;
    private readonly CacheReport? _explain;

    public BuildProgressView(ICliEnvironment env, ProgressMode mode, bool quiet, bool explainCache)
    {
        _env = env;
        _tty = !quiet && (mode == ProgressMode.Tty || (mode == ProgressMode.Auto && !env.ErrorRedirected)) ? new TtyProgress() : null;
        IBuildProgress progress = _tty is not null ? _tty
            : mode == ProgressMode.RawJson ? new RawJsonProgress(env.Error, env.Time)
            : new PlainProgress(env.Error, quiet, env.Time);
        _explain = explainCache ? new CacheReport(progress) : null;
        Progress = _explain ?? progress;
    }

    /// <summary>What the build reports to.</summary>
    public IBuildProgress Progress { get; }

    /// <summary>Runs <paramref name="build"/> under the view; on a terminal the live view ends with it.</summary>
    public async Task<T> ShowAsync<T>(Func<Task<T>> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        var result = _tty is null ? await build().ConfigureAwait(false) : await LiveAsync(_tty, build).ConfigureAwait(false);
        _explain?.Write(_env.Error);
        return result;
    }

    private async Task<T> LiveAsync<T>(TtyProgress tty, Func<Task<T>> build)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(_env.Error),
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
        });
        T? done = default;
        await console.Live(tty.Render()).StartAsync(async live =>
        {
            tty.Changed = () => live.UpdateTarget(tty.Render());
            var running = build();
            while (!running.IsCompleted)
            {
                // Redraw on a clock too, so running steps' times move without output.
                await Task.WhenAny(running, Task.Delay(250, CancellationToken.None)).ConfigureAwait(false);
                live.UpdateTarget(tty.Render());
            }

            done = await running.ConfigureAwait(false);
        }).ConfigureAwait(false);
        return done!;
    }
}
