using System.Net;
using System.Net.Http.Headers;

namespace Tether.Http;

/// <summary>One server answer, read through <see cref="ServerAnswerReader.SendAsync"/>.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Headers">The answer's headers.</param>
/// <param name="Body">The body, whole only when <paramref name="Complete"/>.</param>
/// <param name="Complete">Whether the body fit within the cap; when not, nothing of it is kept.</param>
public sealed record ServerAnswer(HttpStatusCode Status, HttpResponseHeaders Headers, byte[] Body, bool Complete)
{
    /// <summary>Whether the status is 2xx.</summary>
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}
