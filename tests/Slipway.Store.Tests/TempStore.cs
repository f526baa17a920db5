namespace Slipway.Store.Tests;

/// <summary>A fresh store in its own temp folder, removed afterwards.</summary>
public sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Root = Path.Join(Path.GetTempPath(), "slipway-store-tests", Guid.NewGuid().ToString("N"));
        Store = LocalStore.Open(Root, TimeProvider.System, TimeSpan.FromSeconds(30));
    }

    public string Root { get; }

    public LocalStore Store { get; }

    public BlobStore Blobs => Store.Blobs;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
