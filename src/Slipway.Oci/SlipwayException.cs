namespace Slipway.Oci;

/// <summary>The root of every error Slipway raises on purpose. <see cref="Code"/> names the kind of error with a
/// stable identifier (docs/errors.md lists them); the message is for the user and may change, the code may not.
/// The CLI renders these in one place (<c>Slipway.Cli/Output/ErrorRenderer</c>).</summary>
public abstract class SlipwayException : Exception
{
    protected SlipwayException()
    {
    }

    protected SlipwayException(string message)
        : base(message)
    {
    }

    protected SlipwayException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The kind of error, as <c>area.kind</c> in lowercase (<c>store.unsafe</c>, <c>dockerfile.invalid</c>):
    /// stable across releases, so scripts and tests can tell errors apart without reading messages.</summary>
    public abstract string Code { get; }
}
