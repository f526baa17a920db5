using System.Diagnostics;
using System.Security.Cryptography;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary>Reads a store root from the outside, trusting nothing it says about itself: every blob file must hash to
/// its name, every name must lead to a complete image, and no write may be left half-done in ingest/.</summary>
internal static class StoreCheck
{
    /// <summary>Asserts the store is consistent and returns its names.</summary>
    public static IReadOnlyDictionary<string, Descriptor> AssertConsistent(string root)
    {
        var layout = new StoreLayout(root);
        var folder = layout.BlobFolder("sha256");
        if (Directory.Exists(folder))
        {
            foreach (var path in Directory.EnumerateFiles(folder))
            {
                using var file = File.OpenRead(path);
                var actual = Convert.ToHexStringLower(SHA256.HashData(file));
                Assert.True(actual == Path.GetFileName(path), $"blob {Path.GetFileName(path)} holds content that hashes to {actual}");
            }

            Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(folder), p => !File.Exists(p));
        }

        if (Directory.Exists(layout.Ingest))
        {
            Assert.Empty(Directory.EnumerateFileSystemEntries(layout.Ingest));
        }

        var store = LocalStore.Open(root, TimeProvider.System);
        var refs = store.Refs.List();
        foreach (var (name, descriptor) in refs)
        {
            AssertComplete(store, name, descriptor);
        }

        return refs;
    }

    private static void AssertComplete(LocalStore store, string name, Descriptor descriptor)
    {
        Assert.True(store.Blobs.GetSize(descriptor.Digest) == descriptor.Size, $"{name}: manifest {descriptor.Digest} is missing or of another size");
        var bytes = File.ReadAllBytes(store.Layout.BlobPath(descriptor.Digest));
        if (MediaTypes.IsIndex(descriptor.MediaType))
        {
            // An index may be partial (a one-platform pull or load keeps only some platforms): absent manifests are
            // fine, present ones must be whole, and at least one must be there.
            var present = OciJson.ParseIndex(bytes).Manifests.Where(m => store.Blobs.Exists(m.Digest)).ToList();
            Assert.True(present.Count > 0, $"{name}: none of its index's manifests is stored");
            foreach (var child in present)
            {
                AssertComplete(store, name, child);
            }

            return;
        }

        var manifest = OciJson.ParseManifest(bytes);
        foreach (var blob in manifest.Layers.Prepend(manifest.Config))
        {
            Assert.True(store.Blobs.GetSize(blob.Digest) == blob.Size, $"{name}: blob {blob.Digest} is missing or of another size");
        }
    }

    /// <summary>The ids of the containers runc knows in the store's runtime state directory.</summary>
    public static List<string> Containers(string root)
    {
        var runc = Capability.RequireTool("runc");
        using var list = Process.Start(new ProcessStartInfo(runc, ["--root", Path.Join(root, "runtime", "runc"), "list", "-q"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var ids = list.StandardOutput.ReadToEnd();
        list.WaitForExit();
        return [.. ids.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
