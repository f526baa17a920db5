using Slipway.Testing;

// Runs one registry fixture until Ctrl+C, printing how to reach it. Console use is fine here: this is a tool for
// people poking at a registry by hand, not part of Slipway.
var mode = (args.FirstOrDefault() ?? "anonymous") switch
{
    "anonymous" => RegistryAuthMode.Anonymous,
    "basic" => RegistryAuthMode.Basic,
    "token" => RegistryAuthMode.Token,
    var other => (RegistryAuthMode?)null,
};
if (mode is null)
{
    await Console.Error.WriteLineAsync("usage: scripts/registry [anonymous|basic|token] [--anonymous-pull]");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

await using var registry = await RegistryFixture.StartAsync(mode.Value,
    allowAnonymousPull: args.Contains("--anonymous-pull"), cancellationToken: stop.Token);
Console.WriteLine($"registry  {registry.Url} ({mode.Value.ToString().ToLowerInvariant()})");
Console.WriteLine($"host      {registry.Host}");
if (mode != RegistryAuthMode.Anonymous)
{
    Console.WriteLine($"user      {registry.Username}");
    Console.WriteLine($"password  {registry.Password}");
}

if (registry.TokenServer is { } tokens)
{
    Console.WriteLine($"realm     {tokens.Realm}?service={tokens.Service}&scope=repository:NAME:pull,push");
}

Console.WriteLine($"storage   {registry.StorageDirectory}");
Console.WriteLine("Ctrl+C stops it and removes the directory.");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

return 0;
