using Slipway.Oci;

namespace Slipway.Store;

/// <summary>One thing <see cref="StoreVerifier"/> found wrong. <see cref="Kind"/> is <c>blob</c>, <c>snapshot</c> or
/// <c>ref</c>; <see cref="Subject"/> the digest or name; <see cref="Problem"/> what is wrong, in words.</summary>
public sealed record StoreProblem(string Kind, string Subject, string Problem)
{
    /// <summary>Set when a repair removed it; null when no repair was asked for or it could not be done.</summary>
    public string? Repair { get; init; }

    public override string ToString() => $"{Kind} {Subject} {Problem}" + (Repair is null ? "" : $"; {Repair}");
}

/// <summary>What a check looked at and found.</summary>
public sealed record StoreCheckResult(int Blobs, int Snapshots, int Refs, IReadOnlyList<StoreProblem> Problems)
{
    /// <summary>Nothing found, or everything found removed.</summary>
    public bool Clean => Problems.All(p => p.Repair is not null);
}

/// <summary><c>slipway fsck</c>: re-hashes every blob, checks every snapshot carries the record that its content was
/// verified against its diffID when it was made (<see cref="StoreLayout.SnapshotVerifiedFile"/>), and follows every
/// ref to its manifest, config and layers. With repair, what is bad is removed — corrupt blobs, unverified snapshots,
/// refs to missing or corrupt content — so the next pull or build makes it again. Checking takes no lock (blobs and
/// snapshots only ever appear whole); removing takes the store lock, checks once more, and leaves alone snapshots a
/// running build has leased.</summary>
public sealed class StoreVerifier(LocalStore store)
{
    public async Task<StoreCheckResult> CheckAsync(bool repair, Action<StoreProblem>? found, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        found ??= _ => { };
        var problems = new List<StoreProblem>();
        var corrupt = new HashSet<Digest>();
        var blobs = 0;
        foreach (var digest in store.Blobs.List())
        {
            cancellationToken.ThrowIfCancellationRequested();
            blobs++;
            if (await store.Blobs.ComputeDigestAsync(digest, cancellationToken).ConfigureAwait(false) is { } actual && actual != digest)
            {
                corrupt.Add(digest);
                problems.Add(new StoreProblem("blob", digest.Value, $"corrupt: its content hashes to {actual}"));
            }
        }

        var snapshots = 0;
        var unverified = new List<Digest>();
        foreach (var (diffId, problem) in Snapshots())
        {
            snapshots++;
            if (problem is not null)
            {
                unverified.Add(diffId);
                problems.Add(new StoreProblem("snapshot", diffId.Value, problem));
            }
        }

        var refs = store.Refs.List();
        var broken = new List<string>();
        foreach (var (name, target) in refs.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (await RefProblemAsync(target, corrupt, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                broken.Add(name);
                problems.Add(new StoreProblem("ref", name, problem));
            }
        }

        if (repair && problems.Count > 0)
        {
            problems = await RepairAsync(problems, cancellationToken).ConfigureAwait(false);
        }

        problems.ForEach(found);
        return new StoreCheckResult(blobs, snapshots, refs.Count, problems);
    }

    /// <summary>Every snapshot directory with a diffID for a name and an <c>fs</c> tree, and what is wrong with it
    /// (null when its record names that diffID). Directories holding only an unpack in progress are skipped.</summary>
    private IEnumerable<(Digest DiffId, string? Problem)> Snapshots()
    {
        if (!Directory.Exists(store.Layout.Snapshots))
        {
            yield break;
        }

        foreach (var dir in Directory.EnumerateDirectories(store.Layout.Snapshots).Order(StringComparer.Ordinal))
        {
            if (!Digest.TryParse("sha256:" + Path.GetFileName(dir), out var diffId) ||
                !Directory.Exists(Path.Join(dir, StoreLayout.SnapshotTree)))
            {
                continue;
            }

            string? recorded;
            try
            {
                recorded = File.ReadAllText(Path.Join(dir, StoreLayout.SnapshotVerifiedFile)).Trim();
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                recorded = null;
            }

            yield return (diffId, recorded switch
            {
                null => "unverified: no record that its content was checked against its diffID (made before verification)",
                _ when recorded == diffId.Value => null,
                _ => $"mislabelled: its record says {recorded}",
            });
        }
    }

    /// <summary>What keeps a ref from being a whole image, or null: its manifest (or, for an index, at least one of
    /// its manifests), config and layers stored and not corrupt.</summary>
    private async Task<string?> RefProblemAsync(Descriptor target, HashSet<Digest> corrupt, CancellationToken cancellationToken)
    {
        if (Absent(target.Digest, corrupt) is { } state)
        {
            return $"incomplete: manifest {target.Digest} is {state}";
        }

        var bytes = await store.Blobs.ReadAllBytesAsync(target.Digest, cancellationToken).ConfigureAwait(false);
        try
        {
            if (MediaTypes.IsIndex(target.MediaType))
            {
                var stored = OciJson.ParseIndex(bytes).Manifests.Where(m => store.Blobs.Exists(m.Digest)).ToList();
                if (stored.Count == 0)
                {
                    return "incomplete: none of its index's manifests is stored";
                }

                foreach (var child in stored)
                {
                    if (await RefProblemAsync(child, corrupt, cancellationToken).ConfigureAwait(false) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            }

            var manifest = OciJson.ParseManifest(bytes);
            if (Absent(manifest.Config.Digest, corrupt) is { } config)
            {
                return $"incomplete: config {manifest.Config.Digest} is {config}";
            }

            foreach (var layer in manifest.Layers)
            {
                if (Absent(layer.Digest, corrupt) is { } state2)
                {
                    return $"incomplete: layer {layer.Digest} is {state2}";
                }
            }

            return null;
        }
        catch (Exception e) when (e is OciFormatException or System.Text.Json.JsonException or IOException or StoreException)
        {
            return $"unreadable: manifest {target.Digest}: {ErrorText.Describe(e)}";
        }
    }

    private string? Absent(Digest digest, HashSet<Digest> corrupt) =>
        corrupt.Contains(digest) ? "corrupt" : store.Blobs.Exists(digest) ? null : "missing";

    /// <summary>Removes what was found, under the store lock: blobs that still do not hash to their name (a pull may
    /// have replaced one since), snapshots no live lease holds (a running build may have them mounted), and broken
    /// refs.</summary>
    private Task<List<StoreProblem>> RepairAsync(List<StoreProblem> problems, CancellationToken cancellationToken) =>
        store.WithLiveDigestsAsync(live =>
        {
            var repaired = new List<StoreProblem>();
            var brokenRefs = new List<string>();
            foreach (var problem in problems)
            {
                switch (problem.Kind)
                {
                    case "blob":
                        var digest = Digest.Parse(problem.Subject);
                        if (StillCorrupt(digest))
                        {
                            store.Blobs.Delete(digest);
                        }

                        repaired.Add(problem with { Repair = "removed" });
                        break;
                    case "snapshot" when live.Contains(Digest.Parse(problem.Subject)):
                        repaired.Add(problem);
                        break;
                    case "snapshot":
                        var dir = store.Layout.SnapshotDir(Digest.Parse(problem.Subject));
                        if (Directory.Exists(dir))
                        {
                            Directory.Delete(dir, recursive: true);
                        }

                        repaired.Add(problem with { Repair = "removed" });
                        break;
                    default:
                        brokenRefs.Add(problem.Subject);
                        repaired.Add(problem with { Repair = "removed" });
                        break;
                }
            }

            store.Refs.MutateLocked(refs => brokenRefs.Count(name => refs.Remove(name)));
            return repaired;
        }, cancellationToken);

    private bool StillCorrupt(Digest digest) => store.Blobs.ComputeDigest(digest) is { } actual && actual != digest;
}
