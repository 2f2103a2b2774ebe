using System.CommandLine;
using Tether.Api;

namespace Tether.Cli;

/// <summary><c>tether run URL …</c>: create a workload, sign in if asked, print the local URL.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var url = new Argument<string>("URL") { Description = "The remote MCP server's URL." };
        var name = new Option<string?>("--name") { Description = "The workload's name (default: from the URL's host)." };
        var transport = new Option<string>("--transport") { Description = "streamable-http or sse.", DefaultValueFactory = _ => "streamable-http" };
        transport.AcceptOnlyFromAmong("streamable-http", "sse");
        var port = new Option<int?>("--port") { Description = "The local endpoint's port (default: a free one, kept)." };
        var clientId = new Option<string?>("--client-id") { Description = "A pre-registered OAuth client id." };
        var clientSecret = new Option<string?>("--client-secret") { Description = "The pre-registered client's secret." };
        var clientSecretFile = new Option<FileInfo?>("--client-secret-file") { Description = "A file holding the client secret." };
        var clientMetadataUrl = new Option<string?>("--client-metadata-url") { Description = "A client ID metadata document URL (https)." };
        var scopes = new Option<string?>("--scopes") { Description = "Scopes to ask for, comma-separated." };
        var refreshScope = new Option<string?>("--refresh-scope") { Description = "A scope to send on refresh, space-separated (default: none, the original grant)." };
        var resource = new Option<string?>("--resource") { Description = "The RFC 8707 resource to ask for ('' turns it off)." };
        var issuer = new Option<string?>("--issuer") { Description = "The authorization server, skipping discovery from the MCP server." };
        var authorizeUrl = new Option<string?>("--authorize-url") { Description = "The authorization endpoint (with --token-url)." };
        var tokenUrl = new Option<string?>("--token-url") { Description = "The token endpoint (with --authorize-url)." };
        var callbackPort = new Option<int?>("--callback-port") { Description = "The loopback port of the sign-in callback." };
        var skipBrowser = new Option<bool>("--skip-browser") { Description = "Print the sign-in URL instead of opening a browser." };
        var authTimeout = new Option<string>("--auth-timeout") { Description = "How long to wait for sign-in (e.g. 5m).", DefaultValueFactory = _ => "5m" };
        var bearer = new Option<string?>("--bearer-token") { Description = "A static bearer token instead of OAuth." };
        var bearerFile = new Option<FileInfo?>("--bearer-token-file") { Description = "A file holding a static bearer token." };
        var headers = new Option<string[]>("--header") { Description = "An extra upstream header, Name=Value (repeatable).", AllowMultipleArgumentsPerToken = false };
        var foreground = new Option<bool>("--foreground") { Description = "Run this workload in this process until Ctrl-C." };

        var command = new Command("run", "Run a remote MCP server behind a stable local endpoint.")
        {
            url, name, transport, port, clientId, clientSecret, clientSecretFile, clientMetadataUrl, scopes, refreshScope, resource, issuer,
            authorizeUrl, tokenUrl, callbackPort, skipBrowser, authTimeout, bearer, bearerFile, headers, foreground,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(clientSecret) is not null && result.GetValue(clientSecretFile) is not null)
            {
                result.AddError("--client-secret and --client-secret-file cannot be used together");
            }

            if (result.GetValue(bearer) is not null && result.GetValue(bearerFile) is not null)
            {
                result.AddError("--bearer-token and --bearer-token-file cannot be used together");
            }

            if ((result.GetValue(authorizeUrl) is null) != (result.GetValue(tokenUrl) is null))
            {
                result.AddError("--authorize-url and --token-url go together");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            var request = new RunWorkloadRequest
            {
                Url = parse.GetValue(url)!,
                Name = parse.GetValue(name),
                Transport = parse.GetValue(transport),
                Port = parse.GetValue(port),
                ClientId = parse.GetValue(clientId),
                ClientSecret = parse.GetValue(clientSecret) ?? ReadSecretFile(parse.GetValue(clientSecretFile), "--client-secret-file"),
                ClientMetadataUrl = parse.GetValue(clientMetadataUrl),
                Scopes = parse.GetValue(scopes)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                RefreshScope = parse.GetValue(refreshScope),
                Resource = parse.GetValue(resource),
                Issuer = parse.GetValue(issuer),
                AuthorizeUrl = parse.GetValue(authorizeUrl),
                TokenUrl = parse.GetValue(tokenUrl),
                CallbackPort = parse.GetValue(callbackPort),
                AuthTimeout = CliDurations.Parse(parse.GetValue(authTimeout)!, "--auth-timeout"),
                BearerToken = parse.GetValue(bearer) ?? ReadSecretFile(parse.GetValue(bearerFile), "--bearer-token-file"),
                Headers = parse.GetValue(headers),
            };

            if (parse.GetValue(foreground))
            {
                return await ForegroundRun.RunAsync(request, parse.GetValue(skipBrowser), ct);
            }

            using var client = await HostClient.ConnectAsync(startIfNeeded: true, ct) ?? throw new CliException("the Tether host could not be started");
            var view = await client.RunAsync(request, ct);
            view = await SignInWait.UntilSettledAsync(client, view, parse.GetValue(skipBrowser), ct);
            var code = Report(view);
            Console.Error.WriteLine($"To add it to an MCP client: tether client add {string.Join('|', ClientCatalog.Ids)} {view.Name}");
            return code;
        });
        return command;
    }

    /// <summary>Prints where a settled workload stands; 0 when it serves, 1 otherwise (error, unauthenticated, …).</summary>
    public static int Report(WorkloadView view)
    {
        if (StatusText.IsServing(view.Status))
        {
            Console.Out.WriteLine($"{view.Name} is {view.Status}. Point your MCP client at:");
            Console.Out.WriteLine(view.Url);
            return ExitCodes.Ok;
        }

        throw new CliException($"{view.Name} is {view.Status}: {view.StatusReason}");
    }

    private static string? ReadSecretFile(FileInfo? file, string option)
    {
        if (file is null)
        {
            return null;
        }

        try
        {
            var value = File.ReadAllText(file.FullName).Trim();
            return value.Length > 0 ? value : throw new CliException($"{option}: {file.FullName} is empty", ExitCodes.Usage);
        }
        catch (IOException ex)
        {
            throw new CliException($"{option}: cannot read {file.FullName}: {ex.Message}", ExitCodes.Usage);
        }
        catch (UnauthorizedAccessException)
        {
            throw new CliException($"{option}: no permission to read {file.FullName}", ExitCodes.Usage);
        }
    }
}
