using System.CommandLine;
using Myelin.Cli;
using Myelin.Cli.Commands;

var root = new RootCommand("Myelin: serve models, remember, evaluate and learn from every interaction.")
{
    ServeCommand.Create(),
    ChatCommand.Create(),
    ModelCommand.Create(),
    BenchCommand.Create(),
    DatasetsCommand.Create(),
    TracesCommand.Create(),
    EvalCommand.Create(),
    McpCommand.Create(),
    MemoryCommand.Create(),
};

return await CliRunner.InvokeAsync(root, args);
