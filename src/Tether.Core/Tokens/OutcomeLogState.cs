using System.Collections;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Tether.Tokens;

/// <summary>
/// The structured state of a refresh failure's log line: only the fields that have a value, and a message that prints
/// none empty (not <c>(http , oauth error ): …</c>). Field names are the spec's: <c>workload</c>, <c>issuer</c>,
/// <c>client_id</c>, <c>status</c>, <c>attempt</c>, <c>next_attempt_in</c>, <c>http_status</c>, <c>oauth_error</c>,
/// <c>oauth_error_description</c>, <c>reason</c>.
/// </summary>
internal sealed class OutcomeLogState : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _fields = [];
    private readonly string _message;

    private OutcomeLogState(string message, IEnumerable<KeyValuePair<string, object?>> fields)
    {
        _message = message;
        _fields.AddRange(fields.Where(f => f.Value is not null and not ""));
    }

    public int Count => _fields.Count;

    public KeyValuePair<string, object?> this[int index] => _fields[index];

    /// <summary>A transient failure: <c>w1: refresh attempt 2 failed transiently (http 503): …; status running, next attempt in 15s</c>.</summary>
    public static void Transient(ILogger logger, string workload, int attempt, TokenEndpointOutcome outcome, string status, string nextAttemptIn)
    {
        if (!logger.IsEnabled(LogLevel.Warning))
        {
            return;
        }

        var message = $"{workload}: refresh attempt {attempt} failed transiently{Detail(outcome)}: {outcome.Reason}; status {status}, next attempt in {nextAttemptIn}";
        var state = new OutcomeLogState(message, Fields(workload, outcome, status).Append(new("attempt", attempt)).Append(new("next_attempt_in", nextAttemptIn)));
        logger.Log(LogLevel.Warning, new EventId(1002, "TransientFailure"), state, null, static (s, _) => s._message);
    }

    /// <summary>A verdict: <c>w1: the authorization server https://as refused the refresh for client c (http 400, oauth error invalid_grant): …</c>.</summary>
    public static void Permanent(ILogger logger, string workload, string? issuer, string clientId, TokenEndpointOutcome outcome, string status)
    {
        if (!logger.IsEnabled(LogLevel.Error))
        {
            return;
        }

        var server = issuer is null ? "the authorization server" : $"the authorization server {issuer}";
        var message = $"{workload}: {server} refused the refresh for client {clientId}{Detail(outcome)}: {outcome.Reason}; status {status}";
        var state = new OutcomeLogState(message, Fields(workload, outcome, status).Append(new("issuer", issuer)).Append(new("client_id", clientId)));
        logger.Log(LogLevel.Error, new EventId(1003, "PermanentFailure"), state, null, static (s, _) => s._message);
    }

    /// <summary><c> (http 400, oauth error invalid_grant)</c>, <c> (http 403)</c>, or nothing when there was no answer.</summary>
    internal static string Detail(TokenEndpointOutcome outcome)
    {
        var parts = new StringBuilder();
        if (outcome.HttpStatus is { } http)
        {
            parts.Append(CultureInfo.InvariantCulture, $"http {http}");
        }

        if (outcome.OAuthError is { } error)
        {
            parts.Append(parts.Length > 0 ? ", " : "").Append("oauth error ").Append(error);
        }

        return parts.Length == 0 ? "" : $" ({parts})";
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => _message;

    private static IEnumerable<KeyValuePair<string, object?>> Fields(string workload, TokenEndpointOutcome outcome, string status) =>
    [
        new("workload", workload),
        new("status", status),
        new("http_status", outcome.HttpStatus),
        new("oauth_error", outcome.OAuthError),
        new("oauth_error_description", outcome.OAuthErrorDescription),
        new("reason", outcome.Reason),
    ];
}
