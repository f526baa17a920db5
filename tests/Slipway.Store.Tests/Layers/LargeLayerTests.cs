using System.Diagnostics;
using System.Runtime.Versioning;
using Slipway.Store.Layers;

namespace Slipway.Store.Tests.Layers;

/// <summary>A 200 MB layer goes out and back in without being held in memory. It runs alone: the heap it samples
/// is the whole process's, which other test classes running beside it would fill.</summary>
[Collection(MemoryMeasurement.Name)]
[SupportedOSPlatform("linux")]
public sealed class LargeLayerTests : IDisposable
{
    private const long FileSize = 200L * 1024 * 1024;
    private const long Budget = 100L * 1024 * 1024;

    private readonly string _base = Directory.CreateTempSubdirectory("slipway-large-").FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Fact]
    public async Task A_200_MB_layer_is_written_and_extracted_with_bounded_memory()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = Directory.CreateDirectory(Path.Join(_base, "src")).FullName;
        await using (var big = File.Create(Path.Join(source, "big")))
        {
            // Sparse: cheap to make, but the writer and extractor still stream all 200 MB through.
            big.SetLength(FileSize);
            big.Position = FileSize / 2;
            big.WriteByte(42);
        }

        var blobPath = Path.Join(_base, "layer.tar.zst");
        var target = Directory.CreateDirectory(Path.Join(_base, "dst")).FullName;
        using var sampler = new MemorySampler();

        await using (var blob = File.Create(blobPath))
        {
            await LayerWriter.WriteAsync(source, blob, new LayerWriteOptions { Compression = LayerCompression.Zstd }, ct);
        }

        ExtractResult result;
        await using (var blob = File.OpenRead(blobPath))
        {
            result = await LayerExtractor.ExtractAsync(blob, null, target, new ExtractOptions(), ct);
        }

        var (peakHeap, peakWorkingSetGrowth) = sampler.Stop();
        Assert.Equal(FileSize, new FileInfo(Path.Join(target, "big")).Length);
        Assert.True(result.UncompressedBytes > FileSize);
        Assert.True(peakHeap < Budget, $"managed heap peaked at {peakHeap / 1024 / 1024} MB");
        Assert.True(peakWorkingSetGrowth < Budget, $"working set grew by {peakWorkingSetGrowth / 1024 / 1024} MB");
    }

    /// <summary>Samples the managed heap and the working set on a background thread until stopped.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly long _baseline;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private long _peakHeap;
        private long _peakWorkingSet;

        public MemorySampler()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using var self = Process.GetCurrentProcess();
            _baseline = self.WorkingSet64;
            _loop = Task.Run(async () =>
            {
                using var process = Process.GetCurrentProcess();
                while (!_stop.IsCancellationRequested)
                {
                    process.Refresh();
                    _peakWorkingSet = Math.Max(_peakWorkingSet, process.WorkingSet64);
                    _peakHeap = Math.Max(_peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                    try
                    {
                        await Task.Delay(20, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            });
        }

        public (long PeakHeap, long PeakWorkingSetGrowth) Stop()
        {
            _stop.Cancel();
            _loop.Wait();
            return (_peakHeap, Math.Max(0, _peakWorkingSet - _baseline));
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurement
{
    public const string Name = "memory measurement";
}
