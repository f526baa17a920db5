using System.Globalization;
using System.Text;
using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Tests.Golden;

/// <summary>One readable line per typed instruction, so golden files show exactly what each flag became.</summary>
public static class InstructionSummary
{
    public static string Describe(Instruction instruction) => instruction switch
    {
        FromInstruction f => $"FROM base={Q(f.BaseName)} stage={Q(f.StageName)} platform={Q(f.Platform)}",
        RunInstruction r => $"RUN {Cmd(r.Command)} network={r.Network} security={r.Security}" +
            string.Concat(r.Mounts.Select(m => " mount={" + Mount(m) + "}")),
        CmdInstruction c => $"CMD {Cmd(c.Command)}",
        EntrypointInstruction e => $"ENTRYPOINT {Cmd(e.Command)}",
        ShellInstruction s => $"SHELL {List(s.Shell)}",
        LabelInstruction l => "LABEL " + string.Join(' ', l.Labels.Select(kv => $"{Q(kv.Key)}={Q(kv.Value)}")),
        EnvInstruction e => "ENV " + string.Join(' ', e.Variables.Select(kv => $"{Q(kv.Key)}={Q(kv.Value)}")),
        ExposeInstruction e => $"EXPOSE {List(e.Ports)}",
        VolumeInstruction v => $"VOLUME {List(v.Volumes)}",
        UserInstruction u => $"USER {Q(u.User)}",
        WorkdirInstruction w => $"WORKDIR {Q(w.Path)}",
        StopSignalInstruction s => $"STOPSIGNAL {Q(s.Signal)}",
        MaintainerInstruction m => $"MAINTAINER {Q(m.Maintainer)}",
        ArgInstruction a => "ARG " + string.Join(' ', a.Args.Select(d => d.Default is null ? Q(d.Name) : $"{Q(d.Name)}={Q(d.Default)}")),
        OnbuildInstruction o => $"ONBUILD {Q(o.Expression)} -> {Describe(o.Trigger)}",
        HealthcheckInstruction h => $"HEALTHCHECK test={List(h.Test)} interval={D(h.Interval)} timeout={D(h.Timeout)} " +
            $"start-period={D(h.StartPeriod)} start-interval={D(h.StartInterval)} retries={h.Retries}",
        CopyInstruction c => $"COPY {Sources(c.Sources)} from={Q(c.From)} {Options(c.Options)}",
        AddInstruction a => $"ADD {Sources(a.Sources)} {Options(a.Options)} checksum={Q(a.Checksum)} " +
            $"keep-git-dir={B(a.KeepGitDir)} unpack={B(a.Unpack)}",
        _ => instruction.GetType().Name,
    };

    private static string Q(string? s) => s is null ? "null" : GoQuote.Quote(s);

    private static string B(bool? b) => b is null ? "null" : b.Value ? "true" : "false";

    private static string D(TimeSpan t) => t.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms";

    private static string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Q)) + "]";

    private static string Cmd(ShellCommand c) =>
        $"{(c.PrependShell ? "shell" : "exec")} {List(c.Args)}" +
        string.Concat(c.Files.Select(f => $" file={Q(f.Name)}:{Q(f.Content)}"));

    private static string Sources(SourcesAndDest s) =>
        $"src={List(s.SourcePaths)}" + string.Concat(s.SourceContents.Select(h => $" heredoc={Q(h.Name)}:{Q(h.ChompedContent)}:expand={B(h.Expand)}")) +
        $" dest={Q(s.Dest)}";

    private static string Options(CopyOptions o) =>
        $"chown={Q(o.Chown)} chmod={Q(o.Chmod)} link={B(o.Link)} parents={B(o.Parents)} exclude={List(o.Excludes)}";

    private static string Mount(RunMount m)
    {
        var sb = new StringBuilder($"type={MountParser.TypeName(m.Type)} ro={B(m.ReadOnly)}");
        void Add(string key, object? value)
        {
            if (value is not null)
            {
                sb.Append(' ').Append(key).Append('=').Append(value is string s ? Q(s) : Convert.ToString(value, CultureInfo.InvariantCulture));
            }
        }

        Add("from", m.From);
        Add("source", m.Source);
        Add("target", m.Target);
        Add("id", m.Id);
        Add("sharing", m.Sharing?.ToString().ToLowerInvariant());
        Add("mode", m.Mode is null ? null : "0" + Convert.ToString(m.Mode.Value, 8));
        Add("uid", m.Uid);
        Add("gid", m.Gid);
        Add("required", m.Required ? "true" : null);
        Add("env", m.Env);
        Add("size", m.SizeLimit);
        return sb.ToString();
    }
}
