namespace Tether.Sandbox.Faults;

/// <summary>The wire names of <see cref="TokenEndpointFault"/>.</summary>
public static class TokenEndpointFaultNames
{
    private static readonly (TokenEndpointFault Fault, string Name)[] Names =
    [
        (TokenEndpointFault.None, "none"),
        (TokenEndpointFault.WafHtml403, "waf-403"),
        (TokenEndpointFault.ServerError500, "http-500"),
        (TokenEndpointFault.ServiceUnavailable503, "http-503"),
        (TokenEndpointFault.TooManyRequests429, "http-429"),
        (TokenEndpointFault.InvalidGrant, "invalid-grant"),
        (TokenEndpointFault.InvalidClient, "invalid-client"),
        (TokenEndpointFault.TemporarilyUnavailable, "temporarily-unavailable"),
        (TokenEndpointFault.Redirect, "redirect"),
        (TokenEndpointFault.Hang, "hang"),
        (TokenEndpointFault.Reset, "reset"),
        (TokenEndpointFault.Garbage200, "garbage-200"),
        (TokenEndpointFault.Oversized, "oversized"),
    ];

    /// <summary>Every wire name, for help texts and errors.</summary>
    public static IEnumerable<string> All => Names.Select(n => n.Name);

    /// <summary>The wire name of a fault.</summary>
    public static string ToWire(this TokenEndpointFault fault) => Names.First(n => n.Fault == fault).Name;

    /// <summary>Parses a wire name; <see langword="false"/> for anything else.</summary>
    public static bool TryParse(string? value, out TokenEndpointFault fault)
    {
        foreach (var (candidate, name) in Names)
        {
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
            {
                fault = candidate;
                return true;
            }
        }

        fault = TokenEndpointFault.None;
        return false;
    }
}
