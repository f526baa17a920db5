using System.Collections.Concurrent;
using System.Globalization;
using Slipway.Dockerfile.Expansion;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;
using Slipway.Solver;
using Slipway.Store.Layers;

namespace Slipway.Build.Engine;

/// <summary>What a step's key is made of (<see cref="StepInputs"/>), the cache lookup, and the explanation of a
/// miss against the step's last build (<see cref="StepHistory"/>).</summary>
public sealed partial class StepExecutor
{
    private readonly ConcurrentDictionary<Vertex, StepInputs> _inputs = new();
    private readonly ConcurrentDictionary<Vertex, Digest> _keys = new();
    private readonly ConcurrentDictionary<Vertex, string> _origins = new();

    /// <summary>The variables the expansions of the current step referenced (set while its inputs are gathered).</summary>
    private readonly AsyncLocal<HashSet<string>?> _used = new();

    public async ValueTask<Digest?> ContentDigestAsync(Vertex vertex, IReadOnlyList<StepState> inputs, CancellationToken cancellationToken)
    {
        var step = (StepVertex)vertex;
        var stepInputs = await GatherAsync(step, inputs, cancellationToken).ConfigureAwait(false);
        _inputs[vertex] = stepInputs;
        return stepInputs.Digest();
    }

    /// <summary>Everything the step's result depends on besides its parents' results. An ARG line contributes
    /// nothing: its value reaches the key of each later step that uses it (every RUN, as environment; any other
    /// instruction through its expansion), as in BuildKit, so an ARG nothing uses invalidates nothing.</summary>
    private async Task<StepInputs> GatherAsync(StepVertex step, IReadOnlyList<StepState> inputs, CancellationToken cancellationToken)
    {
        var result = new StepInputs();
        result.Add("platform", options.Platform.ToString());
        if (step.Instruction is null)
        {
            result.Add("instruction", "FROM " + step.Stage.BaseName);
            result.Add("base", await BaseDigestAsync(step, cancellationToken).ConfigureAwait(false));
            if (step.Stage.BaseStage is not null)
            {
                result.Add("stage:" + step.Stage.BaseName, LayersDigest(inputs[0]));
            }

            return result;
        }

        if (step.Instruction is ArgInstruction)
        {
            return result;
        }

        var state = inputs[0];
        var used = new HashSet<string>(StringComparer.Ordinal);
        _used.Value = used;
        // The compression changes the blobs a layer step makes, so it is part of what the step is.
        result.Add("compression", options.Compression.ToString());
        result.Add("instruction", step.Instruction is AddInstruction ? AddSources.Redact(step.Instruction.Node.Original) : step.Instruction.Node.Original);
        result.Add("expanded", Expanded(step.Instruction, state));
        switch (step.Instruction)
        {
            case RunInstruction run:
                AddFlag(result, "--mount", string.Join(' ', run.Mounts));
                AddFlag(result, "--network", RunNetwork(run).ToString());
                AddFlag(result, "--security", run.Security.ToString());
                // A RUN sees every ARG in scope as environment, used or not, and the whole ENV.
                foreach (var env in ArgEnv(state))
                {
                    var eq = env.IndexOf('=', StringComparison.Ordinal);
                    result.Add("arg:" + env[..eq], env[(eq + 1)..]);
                }

                foreach (var env in state.Env)
                {
                    var eq = env.IndexOf('=', StringComparison.Ordinal);
                    result.Add("env:" + (eq < 0 ? env : env[..eq]), eq < 0 ? "" : env[(eq + 1)..]);
                }

                // What a bind mount shows from the context is content the step reads (secrets are not: their
                // values never enter a key).
                var stageInputs = 1;
                foreach (var mount in run.Mounts.Where(m => m.From is { } f && graph.Find(f) is not null && stageInputs < inputs.Count))
                {
                    result.Add("stage:" + mount.From, LayersDigest(inputs[stageInputs++]));
                }

                foreach (var mount in run.Mounts.Where(m => m.Type == MountType.Bind && m.From is null))
                {
                    var context = ContextSource();
                    FileCopier.Fingerprint(context, context.Expand(Expand(mount.Source ?? "/", state)), result);
                }

                break;
            case CopyInstruction or AddInstruction:
                await GatherCopyAsync(step, inputs, result, cancellationToken).ConfigureAwait(false);
                break;
            case EnvInstruction env:
                foreach (var variable in env.Variables)
                {
                    result.Add("sets:" + Expand(variable.Key, state), Expand(variable.Value, state));
                }

                break;
        }

        // Other instructions use variables only through ${} expansion: name the ones this step referenced.
        foreach (var name in used.Order(StringComparer.Ordinal))
        {
            if (step.Instruction is RunInstruction || state.Lookup(name) is not { } value)
            {
                continue;
            }

            result.Add((state.Env.Any(e => e.StartsWith(name + "=", StringComparison.Ordinal)) ? "env:" : "arg:") + name, value);
        }

        return result;
    }

    /// <summary>What another stage's result holds, by its layers, for <c>FROM &lt;stage&gt;</c> and
    /// <c>RUN --mount=from=&lt;stage&gt;</c> (<c>COPY --from</c> keys by the files it takes instead). Its input key
    /// says the same whenever that stage came from the cache; when it reran anyway (<c>--no-cache-filter</c>) and
    /// made other files, this is what reruns the steps here that read them, instead of serving what they made from
    /// the old files.</summary>
    private static string LayersDigest(StepState state) =>
        Digest.Compute(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', state.Layers.Select(l => l.DiffId.Value)))).Value;

    private static void AddFlag(StepInputs inputs, string flag, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            inputs.Add("flag:" + flag, value);
        }
    }

    private async Task GatherCopyAsync(StepVertex step, IReadOnlyList<StepState> inputs, StepInputs result, CancellationToken cancellationToken)
    {
        var state = inputs[0];
        var (sources, copyOptions, from) = step.Instruction switch
        {
            CopyInstruction copy => (copy.Sources, copy.Options, copy.From),
            AddInstruction add => (add.Sources, add.Options, (string?)null),
            _ => throw new InvalidOperationException("not a copy"),
        };
        AddFlag(result, "--from", from);
        AddFlag(result, "--chown", copyOptions.Chown is null ? null : Expand(copyOptions.Chown, state));
        AddFlag(result, "--chmod", copyOptions.Chmod is null ? null : Expand(copyOptions.Chmod, state));
        AddFlag(result, "--link", copyOptions.Link ? "true" : null);
        AddFlag(result, "--parents", copyOptions.Parents ? "true" : null);
        AddFlag(result, "--exclude", string.Join(' ', copyOptions.Excludes.Select(e => Expand(e, state))));
        if (step.Instruction is AddInstruction addFlags)
        {
            AddFlag(result, "--checksum", addFlags.Checksum is null ? null : Expand(addFlags.Checksum, state));
            AddFlag(result, "--keep-git-dir", addFlags.KeepGitDir?.ToString(CultureInfo.InvariantCulture));
            AddFlag(result, "--unpack", addFlags.Unpack?.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var heredoc in sources.SourceContents)
        {
            result.Add("heredoc:" + heredoc.Name, heredoc.Expand ? ExpandHeredoc(heredoc.ChompedContent, state) : heredoc.ChompedContent);
        }

        if (from is not null)
        {
            // An image's content is its digest; a stage's, the files the copy takes from it.
            if (graph.Find(from) is null)
            {
                result.Add("image:" + from, (await FromImageAsync(from, cancellationToken).ConfigureAwait(false)).ManifestDescriptor.Digest.Value);
            }
            else if (inputs.Count > 1)
            {
                await AddStageFilesAsync(inputs[1], [.. sources.SourcePaths.Select(p => Expand(p, state))], result, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var context = ContextSource();
        var expanded = sources.SourcePaths.Select(p => Expand(p, state)).ToList();
        if (step.Instruction is AddInstruction addUrls)
        {
            foreach (var url in expanded.Where(AddSources.IsUrl))
            {
                result.Add("url:" + AddSources.Redact(url), (await AddSourceCache.DownloadAsync(url, addUrls.Checksum, cancellationToken).ConfigureAwait(false)).Digest.Value);
            }
        }

        var rels = expanded.Where(p => !AddSources.IsUrl(p) || step.Instruction is not AddInstruction).SelectMany(context.Expand).ToList();
        FileCopier.Fingerprint(context, rels, result);
    }

    private string ExpandHeredoc(string content, StepState state)
    {
        var expanded = ShellLex.ProcessHeredoc(content, state.Lookup);
        _used.Value?.UnionWith(expanded.Matched);
        return expanded.Word;
    }

    public async ValueTask<StepState?> LoadCachedAsync(Vertex vertex, IReadOnlyList<StepState> inputs, Digest cacheKey, CancellationToken cancellationToken)
    {
        var step = (StepVertex)vertex;
        _keys[vertex] = cacheKey;
        var cached = await _cache.TryLoadAsync(cacheKey, cancellationToken).ConfigureAwait(false);
        if (cached is not null)
        {
            // A prune may have removed the record's blobs between the load and the lease: then it is a miss.
            Protect(cached);
            cached = cached.Layers.All(l => store.Blobs.Exists(l.Blob.Digest)) ? cached : null;
        }

        if (cached is null && _imports?.Record(cacheKey) is { } imported)
        {
            // A hit without fetching a layer: they come when a snapshot or the export needs them.
            cached = await _cache.LoadAsync(imported, _imports.Available, cancellationToken).ConfigureAwait(false);
            if (cached is not null)
            {
                Protect(cached);
            }
        }

        if (cached is null)
        {
            return null;
        }

        await RecordAsync(step, cacheKey, cancellationToken).ConfigureAwait(false);
        return Rederive(step, inputs, cached);
    }

    private void Protect(StepState state) =>
        BuildLease?.Add(state.Layers.SelectMany(l => new[] { l.Blob.Digest, l.DiffId }));

    /// <summary>A cached result with its build-time state (ARGs in scope, whether CMD was set) taken from this
    /// build's inputs: the key does not cover it, so the record's would be another build's.</summary>
    private StepState Rederive(StepVertex step, IReadOnlyList<StepState> inputs, StepState cached) => step.Instruction switch
    {
        null => cached with { Args = new Dictionary<string, string?>(), CmdSet = false },
        ArgInstruction arg => cached with { Args = WithArgs(arg, inputs[0]), CmdSet = inputs[0].CmdSet },
        CmdInstruction => cached with { Args = inputs[0].Args, CmdSet = true },
        _ => cached with { Args = inputs[0].Args, CmdSet = inputs[0].CmdSet },
    };

    public async ValueTask<string?> ExplainMissAsync(Vertex vertex, Digest cacheKey, CancellationToken cancellationToken)
    {
        var step = (StepVertex)vertex;
        _keys[vertex] = cacheKey;
        if (!_inputs.TryGetValue(vertex, out var now))
        {
            return null;
        }

        string reason;
        if (!vertex.Cacheable)
        {
            // Forced to run: what changed since the last build does not matter, so the history is not read.
            reason = options.NoCache ? "--no-cache" : "--no-cache-filter " + (step.Stage.Name ?? step.Stage.Index.ToString(CultureInfo.InvariantCulture));
            _origins[vertex] = $"{vertex.Name} ({reason})";
            return reason;
        }

        var previous = await _history.LoadAsync(Identity(step), cancellationToken).ConfigureAwait(false);
        var parents = ParentKeys(step);
        var changed = previous is null ? -1 : Enumerable.Range(0, parents.Count).FirstOrDefault(i => i >= previous.Parents.Count || previous.Parents[i] != parents[i].Value, -1);
        List<string> changes = previous is null ? [] : CacheExplainer.Changes(previous.Values, previous.Files, now.Values, now.Files, IgnoredInContext);
        if (changed >= 0)
        {
            // Another stage's files change with its key: "parent step changed" then says where the change began.
            changes.RemoveAll(CacheExplainer.IsStageChange);
        }

        if (previous is null)
        {
            reason = CacheExplainer.NoPreviousBuild;
        }
        else if (changes.Count > 0)
        {
            reason = CacheExplainer.Summarize(changes);
        }
        else if (changed >= 0)
        {
            var input = vertex.Inputs[changed];
            var origin = _origins.TryGetValue(input, out var o) ? o : input.Name;
            _origins[vertex] = origin;
            return "parent step changed: " + origin;
        }
        else if (previous.Key == cacheKey.Value)
        {
            reason = "its cached result is no longer in the store";
        }
        else
        {
            reason = "the step moved in its stage or the cache key recipe changed";
        }

        _origins[vertex] = $"{vertex.Name} ({reason})";
        return reason;
    }

    /// <summary>Whether a context path is there but excluded by .dockerignore (to say why a file went away).</summary>
    private bool IgnoredInContext(string path) =>
        !path.StartsWith('/') && options.Ignore?.MatchesOrParentMatches(path) == true && LayerNative.LStat(new CopySource(options.ContextDir, null).HostPath(path, followFinal: false)) is not null;

    private List<Digest> ParentKeys(StepVertex step) => [.. step.Inputs.Select(i => _keys.TryGetValue(i, out var k) ? k : default)];

    private string Identity(StepVertex step) => StepHistory.Identity(options.ContextDir, options.DockerfilePath, options.DockerfileName,
        step.Stage.Name ?? step.Stage.Index.ToString(CultureInfo.InvariantCulture), step.Step);

    /// <summary>Remembers what this build of the step was made of, for the next build's explanation. Best effort:
    /// a history that cannot be written costs explanations, never the build.</summary>
    private async Task RecordAsync(StepVertex step, Digest key, CancellationToken cancellationToken)
    {
        if (!_inputs.TryGetValue(step, out var inputs))
        {
            return;
        }

        try
        {
            await _history.SaveAsync(Identity(step), key, ParentKeys(step), inputs, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            progress.OnWarning($"{step.Name}: could not record its inputs for cache explanations: {ex.Message}");
        }
    }
}
