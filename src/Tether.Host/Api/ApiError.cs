namespace Tether.Api;

/// <summary>The body of every REST API error: one line a person can act on.</summary>
/// <param name="Error">A stable code (<c>not_found</c>, <c>conflict</c>, <c>bad_request</c>, …).</param>
/// <param name="Message">What went wrong and what to do.</param>
public sealed record ApiError(string Error, string Message);
