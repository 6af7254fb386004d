using Microsoft.Extensions.AI;
using Myelin.Core;
using Myelin.Inference.Chat;

namespace Myelin.Server.OpenAi;

/// <summary>The models this server serves, by id. Owns the clients and disposes them with the server.</summary>
public sealed class ModelCatalog : IDisposable
{
    private readonly Dictionary<string, IChatClient> _models;

    /// <summary>Creates a catalog over already-built clients.</summary>
    public ModelCatalog(IEnumerable<KeyValuePair<string, IChatClient>> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        _models = new Dictionary<string, IChatClient>(StringComparer.Ordinal);
        foreach ((string id, IChatClient client) in models)
        {
            if (!_models.TryAdd(id, client))
            {
                throw new MyelinValidationException("duplicate_model", $"Two models are named '{id}'; give the files distinct names.");
            }
        }

        CreatedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>When the models were loaded.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Model ids, sorted.</summary>
    public IReadOnlyList<string> Ids => [.. _models.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Loads each GGUF file as a <see cref="LocalChatClient"/>, named by its <c>general.name</c> (or file name).</summary>
    /// <exception cref="MyelinValidationException">A file cannot be served (its message names the file and why).</exception>
    public static ModelCatalog Open(IEnumerable<string> paths, LocalChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var clients = new List<KeyValuePair<string, IChatClient>>();
        try
        {
            foreach (string path in paths)
            {
                LocalChatClient client;
                try
                {
                    client = LocalChatClient.Open(path, options);
                }
                catch (Exception ex) when (ex is Myelin.Models.Formats.ModelFormatException or IOException or UnauthorizedAccessException)
                {
                    throw new MyelinValidationException("invalid_model", $"Cannot serve '{path}': {ex.Message}");
                }

                clients.Add(new(client.Metadata.DefaultModelId!, client));
            }

            return new ModelCatalog(clients);
        }
        catch
        {
            foreach ((_, IChatClient client) in clients)
            {
                client.Dispose();
            }

            throw;
        }
    }

    /// <summary>The client serving <paramref name="id"/>.</summary>
    /// <exception cref="MyelinNotFoundException">No such model.</exception>
    public IChatClient Get(string id) => _models.TryGetValue(id, out IChatClient? client)
        ? client
        : throw new MyelinNotFoundException(
            "model_not_found",
            _models.Count == 0
                ? $"Model '{id}' is not served: this server was started without --model."
                : $"Model '{id}' is not served here; available: {string.Join(", ", Ids)}.");

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (IChatClient client in _models.Values)
        {
            client.Dispose();
        }
    }
}
