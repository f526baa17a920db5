namespace Slipway.Cli.Tests;

// Also compiled into Slipway.Integration.Tests.

internal sealed class FakeEnvironment : ICliEnvironment
{
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public bool IsRoot { get; set; }

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public StringReader In { get; set; } = new(string.Empty);

    TextWriter ICliEnvironment.Out => Out;

    TextWriter ICliEnvironment.Error => Error;

    TextReader ICliEnvironment.In => In;

    public MemoryStream StandardOutput { get; } = new();

    public MemoryStream StandardInput { get; set; } = new();

    public bool OutputRedirected { get; set; } = true;

    public bool ErrorRedirected { get; set; } = true;

    public TimeProvider Time { get; set; } = TimeProvider.System;

    public Stream OpenStandardOutput() => new NonClosingStream(StandardOutput);

    public Stream OpenStandardInput() => StandardInput;

    public string? GetVariable(string name) => Variables.GetValueOrDefault(name);

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
