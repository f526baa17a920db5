using System.Globalization;

namespace Slipway.Build.Containers;

/// <summary>Names for containers made without <c>--name</c>, in docker's shape <c>adjective_noun</c>; the words are
/// Slipway's own (things found around a harbour), not docker's list.</summary>
public static class ContainerNames
{
    /// <summary>docker's rule for a container name, as its error message states it.</summary>
    public const string ValidPattern = "[a-zA-Z0-9][a-zA-Z0-9_.-]";

    private static readonly string[] Adjectives =
    [
        "amber", "brave", "breezy", "bright", "calm", "careful", "cheerful", "clever", "cosy", "curious",
        "daring", "deft", "eager", "earnest", "fearless", "festive", "fond", "frosty", "gallant", "gentle",
        "glad", "golden", "hardy", "hearty", "humble", "jolly", "keen", "kind", "lively", "loyal",
        "lucid", "mellow", "merry", "misty", "nimble", "noble", "patient", "placid", "plucky", "polite",
        "proud", "quiet", "rapid", "restful", "rustic", "salty", "serene", "silent", "sleepy", "snug",
        "spry", "steady", "stoic", "sturdy", "sunny", "swift", "tidy", "trusty", "vivid", "witty",
    ];

    private static readonly string[] Nouns =
    [
        "albatross", "anchor", "barge", "beacon", "bollard", "breakwater", "buoy", "capstan", "cormorant", "cove",
        "crane", "current", "dinghy", "dock", "dolphin", "estuary", "ferry", "gannet", "gull", "halyard",
        "harbour", "heron", "hull", "inlet", "jetty", "keel", "kelp", "ketch", "lagoon", "lantern",
        "lighthouse", "mast", "mooring", "oar", "otter", "pelican", "pier", "puffin", "quay", "rudder",
        "sail", "schooner", "seal", "shoal", "skiff", "sloop", "spinnaker", "tern", "tide", "tiller",
        "trawler", "tugboat", "wake", "wharf", "winch", "yawl",
    ];

    /// <summary>Whether <paramref name="name"/> may name a container: docker's <c>[a-zA-Z0-9][a-zA-Z0-9_.-]+</c>.</summary>
    public static bool IsValid(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length >= 2 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
    }

    /// <summary>A random <c>adjective_noun</c>.</summary>
    public static string Generate(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Adjectives[random.Next(Adjectives.Length)] + "_" + Nouns[random.Next(Nouns.Length)];
    }

    /// <summary>A generated name <paramref name="taken"/> does not hold: a few random tries, then, as docker does, a
    /// number after the last try.</summary>
    public static string Unique(Random random, Func<string, bool> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        string name = Generate(random);
        for (var attempt = 0; attempt < 10 && taken(name); attempt++)
        {
            name = Generate(random);
        }

        for (var n = 1; taken(name); n++)
        {
            name = Generate(random) + n.ToString(CultureInfo.InvariantCulture);
        }

        return name;
    }
}
