using System.Collections.Frozen;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace Tether.Dashboard;

/// <summary>The page's files, embedded in the assembly (no build step, nothing fetched from elsewhere).</summary>
internal static class DashboardAssets
{
    private static readonly FrozenDictionary<string, (byte[] Body, string Type)> Files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal)
    {
        ["/dashboard/"] = (Read("index.html"), "text/html; charset=utf-8"),
        ["/dashboard/dashboard.css"] = (Read("dashboard.css"), "text/css; charset=utf-8"),
        ["/dashboard/dashboard.js"] = (Read("dashboard.js"), "text/javascript; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool TryGet(string path, out byte[] body, out string type)
    {
        var found = Files.TryGetValue(path, out var file);
        (body, type) = file;
        return found;
    }

    /// <summary>Headers for everything the dashboard answers: its own scripts only, never framed, never cached.</summary>
    public static void SetSecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.XContentTypeOptions = "nosniff";
        // same-origin, not no-referrer: under no-referrer a form POST carries "Origin: null", which the gate refuses.
        response.Headers["Referrer-Policy"] = "same-origin";
        response.Headers.CacheControl = "no-store";
    }

    /// <summary>A small page for a refusal or an outcome a browser tab lands on.</summary>
    public static Task WriteMessageAsync(HttpContext context, int status, string title, string message)
    {
        SetSecurityHeaders(context.Response);
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(
            $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)} · Tether</title></head>"
            + $"<body style=\"font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328\"><h1 style=\"font-size:1.3rem\">{WebUtility.HtmlEncode(title)}</h1>"
            + $"<p>{WebUtility.HtmlEncode(message)}</p></body></html>");
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream("Tether.Dashboard." + name)
            ?? throw new InvalidOperationException($"dashboard resource {name} is missing from the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
