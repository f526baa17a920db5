using Slipway.Cli;

using var signals = new TerminationSignals();
var exit = await SlipwayApp.RunAsync(args, new ConsoleEnvironment { Termination = signals.Token, Time = TimeProvider.System }).ConfigureAwait(false);
return signals.Signal is { } number ? 128 + number : exit;
