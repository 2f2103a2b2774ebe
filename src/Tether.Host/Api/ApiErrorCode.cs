namespace Tether.Api;

/// <summary>The kind of an expected failure of a REST API call; its wire form is in <see cref="ApiErrorCodes"/>.</summary>
public enum ApiErrorCode
{
    /// <summary>No such workload (HTTP 404, <c>not_found</c>).</summary>
    NotFound,

    /// <summary>The name or port is taken (HTTP 409, <c>conflict</c>).</summary>
    Conflict,

    /// <summary>The request is invalid; the message names the option (HTTP 400, <c>bad_request</c>).</summary>
    BadRequest,

    /// <summary>The operation could not be done (HTTP 422, <c>failed</c>).</summary>
    Failed,
}
