using Slipway.Oci;

namespace Slipway.Store;

/// <summary>The store's own files failed in a way the store can name: a blob absent or corrupt, content that is not
/// what a writer expected, a full disk, a root that cannot be trusted. These were <see cref="IOException"/>s once,
/// and code that handles an <see cref="IOException"/> around store calls handles these alongside it.</summary>
public abstract class StoreException : SlipwayException
{
    protected StoreException()
    {
    }

    protected StoreException(string message)
        : base(message)
    {
    }

    protected StoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
