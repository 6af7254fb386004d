using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using Myelin.Core;

namespace Myelin.Cli;

/// <summary>The <c>--url</c>/<c>--key</c> options of commands that talk to a running server, and the calls they make.</summary>
internal sealed class ServerConnection : IDisposable
{
    private readonly HttpClient _http;

    private ServerConnection(HttpClient http) => _http = http;

    public static Option<string> UrlOption() => new("--url")
    {
        Description = "The Myelin server.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MYELIN_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:5080",
    };

    public static Option<string?> KeyOption() => new("--key") { Description = "API key (defaults to MYELIN_API_KEY)." };

    public static ServerConnection Open(string url, string? key)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? baseAddress) || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new MyelinValidationException("invalid_option", $"--url: '{url}' is not an http(s) address.");
        }

        key ??= Environment.GetEnvironmentVariable("MYELIN_API_KEY");
        if (string.IsNullOrEmpty(key))
        {
            throw new MyelinValidationException("missing_key", "Pass --key or set MYELIN_API_KEY.");
        }

        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new ServerConnection(http);
    }

    public async Task<string> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new MyelinException("server_unreachable", $"Cannot reach {_http.BaseAddress}: {ex.Message}");
        }

        using (response)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new MyelinException("server_error", $"{(int)response.StatusCode} from {path}: {Detail(body)}");
            }

            return body;
        }
    }

    public void Dispose() => _http.Dispose();

    private static string Detail(string body)
    {
        try
        {
            using JsonDocument problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out JsonElement detail) ? detail.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }
}
