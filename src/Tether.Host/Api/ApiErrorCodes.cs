using Microsoft.AspNetCore.Http;

namespace Tether.Api;

/// <summary>The wire names and HTTP statuses of <see cref="ApiErrorCode"/>.</summary>
public static class ApiErrorCodes
{
    /// <summary>The stable lower-case snake name in <see cref="ApiError.Error"/>.</summary>
    public static string ToWire(this ApiErrorCode code) => code switch
    {
        ApiErrorCode.NotFound => "not_found",
        ApiErrorCode.Conflict => "conflict",
        ApiErrorCode.BadRequest => "bad_request",
        ApiErrorCode.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    /// <summary>The HTTP status the API answers with.</summary>
    public static int ToHttpStatus(this ApiErrorCode code) => code switch
    {
        ApiErrorCode.NotFound => StatusCodes.Status404NotFound,
        ApiErrorCode.Conflict => StatusCodes.Status409Conflict,
        ApiErrorCode.BadRequest => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    /// <summary>Parses a wire name; <see langword="false"/> for anything else.</summary>
    public static bool TryParse(string? value, out ApiErrorCode code)
    {
        foreach (var candidate in Enum.GetValues<ApiErrorCode>())
        {
            if (string.Equals(candidate.ToWire(), value, StringComparison.Ordinal))
            {
                code = candidate;
                return true;
            }
        }

        code = default;
        return false;
    }
}
