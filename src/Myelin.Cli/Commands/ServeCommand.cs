using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Myelin.Core;
using Myelin.Hosting;
using Myelin.Server;
using Spectre.Console;

namespace Myelin.Cli.Commands;

/// <summary><c>myelin serve</c>: runs the server with its dashboard.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data")
        {
            Description = "Data directory (SQLite database and blobs).",
            DefaultValueFactory = _ => ".myelin",
        };
        var urls = new Option<string[]>("--urls")
        {
            Description = "Addresses to listen on (repeatable or ';'-separated).",
            DefaultValueFactory = _ => ["http://127.0.0.1:5080"],
            AllowMultipleArgumentsPerToken = true,
        };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Use PostgreSQL at this connection string instead of the embedded SQLite store.",
        };
        var models = new Option<string[]>("--model")
        {
            Description = "A GGUF model to serve on the OpenAI-compatible API (/v1/chat/completions); repeatable.",
        };
        var prefixCache = new Option<int>("--prefix-cache-tokens")
        {
            Description = "Tokens of KV each model keeps for prefix reuse (0 turns it off).",
            DefaultValueFactory = _ => 16384,
        };
        var kvDisk = new Option<int>("--kv-disk-cache-mb")
        {
            Description = "Disk budget for evicted prefixes kept across restarts under <data>/kv-cache (0 turns it off).",
            DefaultValueFactory = _ => 2048,
        };
        var mmap = new Option<bool>("--mmap")
        {
            Description = "Read model weights in place from the mapped file (immediate load, pages shared) instead of copying them into memory (faster decode).",
        };
        var privateWebhooks = new Option<bool>("--allow-private-webhooks")
        {
            Description = "Let alert webhooks reach private addresses (loopback, 10/8, 172.16/12, 192.168/16, fc00::/7, ...); off.",
        };
        var command = new Command("serve", "Start the Myelin server and dashboard.")
        {
            data, urls, postgres, models, prefixCache, kvDisk, mmap, privateWebhooks,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(data)!, result.GetValue(urls)!, result.GetValue(postgres), result.GetValue(models) ?? [], result.GetValue(prefixCache),
            result.GetValue(kvDisk), result.GetValue(mmap), result.GetValue(privateWebhooks), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string data,
        string[] urls,
        string? postgres,
        string[] models,
        int prefixCacheTokens,
        int kvDiskMegabytes,
        bool mapWeights,
        bool allowPrivateWebhooks,
        CancellationToken cancellationToken)
    {
        string[] addresses = [.. urls.SelectMany(u => u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
        foreach (string address in addresses)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new MyelinValidationException("invalid_urls", $"--urls: '{address}' is not an http:// or https:// address.");
            }
        }

        var options = new MyelinOptions
        {
            DataDirectory = data,
            PostgresConnectionString = postgres,
            AdminKey = Environment.GetEnvironmentVariable("MYELIN_ADMIN_KEY") is { Length: > 0 } key ? key : null,
            PrefixCacheTokens = prefixCacheTokens,
            KvDiskCacheMegabytes = kvDiskMegabytes,
            MapModelWeights = mapWeights,
            AllowPrivateWebhookTargets = allowPrivateWebhooks,
        };
        foreach (string model in models)
        {
            options.ModelPaths.Add(model);
        }


        await using WebApplication app = await MyelinServerHost.BuildAsync(options, addresses, AnnounceKey, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        AnsiConsole.MarkupLine(
            $"[bold]Myelin[/] {Markup.Escape(ServerInfo.Version)} listening on [link]{Markup.Escape(string.Join(", ", app.Urls))}[/] " +
            $"({(postgres is null ? "sqlite: " + Markup.Escape(Path.GetFullPath(data)) : "postgres")}). Press Ctrl+C to stop.");
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static void AnnounceKey(string key)
    {
        var panel = new Panel(new Markup($"[bold yellow]{Markup.Escape(key)}[/]\n\nThis admin key is shown once. Store it now; set MYELIN_ADMIN_KEY to choose your own."))
        {
            Header = new PanelHeader("New admin key"),
            Border = BoxBorder.Rounded,
        };
        AnsiConsole.Write(panel);
    }
}
