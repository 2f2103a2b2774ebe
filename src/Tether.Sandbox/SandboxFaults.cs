using Tether.Sandbox.Faults;

namespace Tether.Sandbox;

/// <summary>The token endpoint's fault switch: a fault for N requests, for a duration, or until cleared.</summary>
public sealed class SandboxFaults(TimeProvider time)
{
    private readonly object _lock = new();
    private TokenEndpointFault _fault;
    private int? _remaining;
    private DateTimeOffset? _until;
    private TimeSpan _retryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The fault in force now, or <see cref="TokenEndpointFault.None"/>.</summary>
    public TokenEndpointFault Current
    {
        get
        {
            lock (_lock)
            {
                ExpireIfDue_NeedsLock();
                return _fault;
            }
        }
    }

    /// <summary>Makes the token endpoint misbehave.</summary>
    /// <param name="fault">How.</param>
    /// <param name="count">For this many requests; unlimited when absent.</param>
    /// <param name="duration">For this long; until cleared when absent.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> of 429 and 503 answers (default 5 s).</param>
    public void Set(TokenEndpointFault fault, int? count = null, TimeSpan? duration = null, TimeSpan? retryAfter = null)
    {
        if (count is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "must be positive");
        }

        if (duration is { } d && d <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "must be positive");
        }

        lock (_lock)
        {
            _fault = fault;
            _remaining = count;
            _until = duration is { } span ? time.GetUtcNow() + span : null;
            _retryAfter = retryAfter ?? TimeSpan.FromSeconds(5);
        }
    }

    /// <summary>Back to the real authorization server.</summary>
    public void Clear() => Set(TokenEndpointFault.None);

    /// <summary>Takes the fault for one request, counting it down.</summary>
    internal bool TryTake(out TokenEndpointFault fault, out TimeSpan retryAfter)
    {
        lock (_lock)
        {
            ExpireIfDue_NeedsLock();
            fault = _fault;
            retryAfter = _retryAfter;
            if (fault == TokenEndpointFault.None)
            {
                return false;
            }

            if (_remaining is { } remaining)
            {
                _remaining = remaining - 1;
                if (_remaining <= 0)
                {
                    _fault = TokenEndpointFault.None;
                    _remaining = null;
                }
            }

            return true;
        }
    }

    private void ExpireIfDue_NeedsLock()
    {
        if (_until is { } until && time.GetUtcNow() >= until)
        {
            _fault = TokenEndpointFault.None;
            _until = null;
            _remaining = null;
        }
    }
}
