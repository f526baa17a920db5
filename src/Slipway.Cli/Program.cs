using Slipway.Cli;

return await SlipwayApp.RunAsync(args, new ConsoleEnvironment()).ConfigureAwait(false);
