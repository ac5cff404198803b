using StreamingCL.Cli;

return await Cli.RunAsync(args);
