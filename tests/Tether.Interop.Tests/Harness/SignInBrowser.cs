using System.Net;

namespace Tether.Interop.Harness;

/// <summary>
/// Plays the user's browser for a sign-in without a page: opens the authorization URL, follows the authorization
/// server's own redirects with its cookies (login and consent are approved at once by each server's configuration),
/// and lands on the first redirect that leaves the server: Tether's loopback callback.
/// </summary>
public static class SignInBrowser
{
    private const int MaxHops = 12;

    /// <summary>Completes the sign-in that <paramref name="authorizeUrl"/> starts.</summary>
    public static async Task CompleteAsync(Uri authorizeUrl, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, CookieContainer = new CookieContainer() });
        var origin = authorizeUrl.GetLeftPart(UriPartial.Authority);
        var url = authorizeUrl;
        for (var hop = 0; hop < MaxHops; hop++)
        {
            using var response = await http.GetAsync(url, cancellationToken);
            if ((int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is not { } location)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new InvalidOperationException($"the authorization server answered {(int)response.StatusCode} at {url} instead of redirecting: {body[..Math.Min(body.Length, 500)]}");
            }

            url = location.IsAbsoluteUri ? location : new Uri(url, location);
            if (url.GetLeftPart(UriPartial.Authority) != origin)
            {
                using var landed = await http.GetAsync(url, cancellationToken);
                return;
            }
        }

        throw new InvalidOperationException($"the sign-in at {authorizeUrl} did not leave the authorization server within {MaxHops} redirects");
    }
}
