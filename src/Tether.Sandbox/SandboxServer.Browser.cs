using System.Net;
using System.Text.RegularExpressions;

namespace Tether.Sandbox;

public sealed partial class SandboxServer
{
    /// <summary>
    /// Plays the browser for a sign-in at this sandbox: opens <paramref name="authorizeUrl"/>, clicks Approve when the
    /// consent page is on, and returns where the authorization server sends the browser (the client's redirect URI
    /// with <c>code</c>, <c>state</c> and <c>iss</c>, or with an <c>error</c>). Does not follow it.
    /// </summary>
    public async Task<Uri> AuthorizeAsync(Uri authorizeUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorizeUrl);
        if (!authorizeUrl.AbsoluteUri.StartsWith(Issuer.AbsoluteUri, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{authorizeUrl} is not this sandbox's", nameof(authorizeUrl));
        }

        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        using var response = await http.GetAsync(authorizeUrl, cancellationToken);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var page = await response.Content.ReadAsStringAsync(cancellationToken);
            var fields = HiddenField().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["n"].Value), m => WebUtility.HtmlDecode(m.Groups["v"].Value));
            fields["consent"] = "approve";
            using var approved = await http.PostAsync(new Uri(Issuer, "authorize"), new FormUrlEncodedContent(fields), cancellationToken);
            return Redirect(approved);
        }

        return Redirect(response);
    }

    /// <summary><see cref="AuthorizeAsync"/>, then lands on the redirect URI as a browser would (the client's loopback callback).</summary>
    public async Task CompleteSignInAsync(Uri authorizeUrl, CancellationToken cancellationToken)
    {
        var callback = await AuthorizeAsync(authorizeUrl, cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        using var landed = await http.GetAsync(callback, cancellationToken);
    }

    private static Uri Redirect(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.RedirectKeepVerb && response.Headers.Location is { } location
            ? location
            : throw new InvalidOperationException(
                $"the sandbox's authorization endpoint answered {(int)response.StatusCode} instead of redirecting: {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<n>[^\"]*)\" value=\"(?<v>[^\"]*)\">")]
    private static partial Regex HiddenField();
}
