namespace NetflixML.Scoring.Api.Http;

/// <summary>
/// Answers HEAD wherever GET is answered, as HTTP requires of every general-purpose server (RFC 9110, 9.1): the
/// API's GET endpoints answered HEAD with 405, so an uptime monitor or link checker that probes with HEAD (many
/// do by default) saw the API as broken. The request is routed as a GET, so it gets GET's status and headers; the
/// server sends no body for a HEAD request. The method is HEAD again before the outer middleware see the response,
/// so a 405 says "does not answer HEAD".
/// </summary>
public static class HeadRequests
{
    /// <summary>Must come before routing: endpoints are chosen by method.</summary>
    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        context.Request.Method = HttpMethods.Get;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Request.Method = HttpMethods.Head;
        }
    });
}
