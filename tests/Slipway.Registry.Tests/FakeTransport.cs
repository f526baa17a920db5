using System.Net;

namespace Slipway.Registry.Tests;

/// <summary>A transport that answers from a function and records what was sent (as it was at send time: the same
/// request object is sent again on retries).</summary>
internal sealed class FakeTransport : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> _answer;

    public FakeTransport(Func<HttpRequestMessage, int, HttpResponseMessage> answer)
    {
        _answer = (request, n, _) => Task.FromResult(answer(request, n));
    }

    /// <summary>Answers asynchronously, e.g. never (a stalled registry) until the request is canceled.</summary>
    public FakeTransport(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        _answer = answer;
    }

    public List<SentRequest> Sent { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Sent.Add(new SentRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(),
            request.Headers.Range?.ToString(),
            request.Content?.Headers.TryGetValues("Content-Range", out var ranges) == true ? ranges.Single() : null, body));
        var response = await _answer(request, Sent.Count, cancellationToken);
        response.RequestMessage ??= request;
        return response;
    }

    public static HttpResponseMessage Status(HttpStatusCode status) => new(status) { Content = new ByteArrayContent([]) };

    public static HttpResponseMessage Bytes(byte[] bytes, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new ByteArrayContent(bytes) };

    public static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Challenge(string header)
    {
        var response = Status(HttpStatusCode.Unauthorized);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", header);
        return response;
    }
}

internal sealed record SentRequest(HttpMethod Method, Uri Uri, string? Authorization, string? Range, string? ContentRange,
    byte[]? Body);

/// <summary>A clock tests move by hand.</summary>
internal sealed class ManualTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>A body stream that fails with an IOException after a number of bytes, like a dropped connection.</summary>
internal sealed class DroppingStream : MemoryStream
{
    private readonly int _dropAfter;

    public DroppingStream(byte[] bytes, int dropAfter)
        : base(bytes)
    {
        _dropAfter = dropAfter;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (Position >= _dropAfter)
        {
            throw new IOException("connection reset by peer");
        }

        return base.Read(buffer, offset, (int)Math.Min(count, _dropAfter - Position));
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Position >= _dropAfter)
        {
            throw new IOException("connection reset by peer");
        }

        return base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _dropAfter - Position)], cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}

/// <summary>A body that sends some bytes and then nothing, never ending, like a stalled registry; only canceling the
/// read ends it.</summary>
internal sealed class StallingStream(byte[] bytes, int stallAfter) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= stallAfter)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        var count = Math.Min(buffer.Length, stallAfter - _position);
        bytes.AsMemory(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
