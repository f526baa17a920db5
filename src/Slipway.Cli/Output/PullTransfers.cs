using System.Globalization;
using Slipway.Images;
using Slipway.Oci;

namespace Slipway.Cli.Output;

/// <summary>A build's pull of one base image as BuildKit's progress shows a FROM's downloads: a vertex of its own
/// (<c>[internal] pull docker.io/library/alpine:3.19</c>) with one status per blob being fetched, by its digest,
/// with bytes and time (<c>sha256:… 12.58MB / 45.10MB 1.2s</c>, then <c>… done</c>). Blobs the store already holds
/// are not shown, as BuildKit does not show what it has.</summary>
internal sealed class PullTransfers(ImageReference image, DateTimeOffset started)
{
    private readonly Dictionary<Digest, Transfer> _byDigest = [];

    /// <summary>One blob's download: when it began, how far it is, whether it is done.</summary>
    internal sealed class Transfer(Digest digest, DateTimeOffset started)
    {
        public Digest Digest { get; } = digest;

        public DateTimeOffset Started { get; } = started;

        public long Current { get; set; }

        public long Total { get; set; }

        public DateTimeOffset Timestamp { get; set; } = started;

        public bool Done { get; set; }

        /// <summary>What the plain printer printed last (bytes, time), to skip lines that say little new.</summary>
        public (long Current, DateTimeOffset At)? Printed { get; set; }

        /// <summary>BuildKit's status line: <c>sha256:… 12.58MB / 45.10MB 1.2s</c>, <c>… done</c> at the end.</summary>
        public string Text
        {
            get
            {
                var bytes = Total > 0 ? $" {Units.ProgressBytes(Current)} / {Units.ProgressBytes(Total)}" : Current > 0 ? $" {Units.ProgressBytes(Current)}" : "";
                var seconds = (Timestamp - Started).TotalSeconds;
                var time = seconds > 0.01 ? " " + seconds.ToString("0.0", CultureInfo.InvariantCulture) + "s" : "";
                return $"{Digest}{bytes}{time}{(Done ? " done" : "")}";
            }
        }
    }

    public ImageReference Image => image;

    public DateTimeOffset Started => started;

    /// <summary>The vertex's name.</summary>
    public string Name => $"[internal] pull {image}";

    /// <summary>A digest to name the vertex by in rawjson, as BuildKit names a vertex by its op.</summary>
    public Digest VertexDigest => Digest.Compute(System.Text.Encoding.UTF8.GetBytes(Name));

    public IEnumerable<Transfer> Transfers => _byDigest.Values;

    /// <summary>Takes a report in; the transfer it moved, or null when it says nothing a progress view shows.</summary>
    public Transfer? Update(PullProgress progress, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var done = progress.Status is PullStatus.Downloaded;
        if (progress.Status is not (PullStatus.Downloading or PullStatus.Downloaded))
        {
            return null;
        }

        if (!_byDigest.TryGetValue(progress.Digest, out var transfer))
        {
            transfer = new Transfer(progress.Digest, now);
            _byDigest[progress.Digest] = transfer;
        }

        transfer.Current = progress.Current;
        transfer.Total = progress.Total;
        transfer.Timestamp = now;
        transfer.Done |= done;
        return transfer;
    }
}
