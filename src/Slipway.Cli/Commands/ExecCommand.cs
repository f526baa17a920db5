using System.CommandLine;
using Slipway.Build.Containers;
using Slipway.Build.Engine;
using Slipway.Cli.Output;
using Slipway.Runtime;
using Slipway.Runtime.Spec;

namespace Slipway.Cli.Commands;

/// <summary><c>slipway exec [-i] [-t] [-u USER] [-w DIR] [-e K=V] CONTAINER COMMAND [ARG...]</c> as <c>docker exec</c>:
/// one more process in a running container, with the container's environment (plus <c>-e</c>), user and working
/// directory unless given; its output printed (or the terminal given with <c>-i</c>/<c>-t</c>); its exit status.</summary>
internal static class ExecCommand
{
    public static Command Create(GlobalOptions globals, ICliEnvironment env)
    {
        var container = new Argument<string>("CONTAINER");
        var command = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.OneOrMore };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Keep STDIN open even if not attached" };
        var tty = new Option<bool>("--tty", "-t") { Description = "Allocate a pseudo-TTY" };
        var user = new Option<string?>("--user", "-u") { Description = "Username or UID (format: <name|uid>[:<group|gid>])" };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Working directory inside the container" };
        var envs = new Option<string[]>("--env", "-e") { Description = "Set environment variables", HelpName = "KEY=VALUE" };
        var exec = new Command("exec", "Execute a command in a running container") { container, command, interactive, tty, user, workdir, envs };
        exec.TreatUnmatchedTokensAsErrors = false;
        exec.SetAction((parse, ct) => CommandContext.RunAsync(globals, env, parse, async (ctx, token) =>
        {
            var found = await ctx.Containers.FindAsync(parse.GetValue(container)!, token).ConfigureAwait(false);
            var record = found.Record;
            if (!found.State.IsRunning || !ctx.Containers.IsSupervisorAlive(found.Id) || found.State.RuntimeId is not { } runtimeId || found.State.Pid <= 0)
            {
                return ErrorRenderer.Fail(ctx.Env.Error, $"container {found.Id} is not running");
            }

            // The container's own /etc/passwd, seen through its first process's root.
            var identity = Users.Resolve(parse.GetValue(user) ?? record.Config.User, $"/proc/{found.State.Pid}/root");
            var variables = new List<string>(record.Config.Env ?? [StepState.DefaultPath]) { "HOSTNAME=" + record.Hostname };
            foreach (var entry in parse.GetValue(envs) ?? [])
            {
                var key = entry.Split('=')[0];
                variables.RemoveAll(e => e == key || e.StartsWith(key + "=", StringComparison.Ordinal));
                if (entry.Contains('=', StringComparison.Ordinal))
                {
                    variables.Add(entry);
                }
                else if (ctx.Env.GetVariable(key) is { } value)
                {
                    variables.Add(key + "=" + value);
                }
            }

            var process = new StepProcess
            {
                Args = parse.GetValue(command)!,
                Env = variables,
                WorkingDir = parse.GetValue(workdir) ?? (string.IsNullOrEmpty(record.Config.WorkingDir) ? "/" : record.Config.WorkingDir),
                Uid = identity.Uid,
                Gid = identity.Gid,
                AdditionalGids = identity.AdditionalGids,
                Hostname = record.Hostname,
            };
            var runtime = ContainerRuntimes.For(ctx, record.RuntimeName);
            if (parse.GetValue(interactive) || parse.GetValue(tty))
            {
                return await runtime.ExecInteractiveAsync(runtimeId, process, parse.GetValue(tty), token).ConfigureAwait(false);
            }

            return await runtime.ExecAsync(runtimeId, process, line =>
            {
                var writer = line.Channel == OutputChannel.Stderr ? ctx.Env.Error : ctx.Env.Out;
                lock (ctx.Env.Out)
                {
                    writer.WriteLine(line.Text);
                }
            }, token).ConfigureAwait(false);
        }, ct));
        return exec;
    }
}
