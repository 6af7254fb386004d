using System.Text.Json.Serialization;

namespace Myelin.Cli;

/// <summary>Source-generated JSON for the bodies the CLI sends.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
