namespace Tether.Dashboard;

/// <summary>The answer to <c>POST /api/v1/dashboard/links</c>: a URL that opens the dashboard once.</summary>
/// <param name="Url">The one-time URL.</param>
/// <param name="ExpiresAt">When it stops working if unused.</param>
internal sealed record DashboardLink(string Url, DateTimeOffset ExpiresAt);
