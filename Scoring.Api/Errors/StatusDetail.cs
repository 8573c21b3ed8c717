namespace NetflixML.Scoring.Api.Errors;

/// <summary>
/// A detail for the bare status codes the framework answers itself (a route that does not exist, the wrong method,
/// a body that is not JSON), which otherwise come with a title only and leave the caller to guess what to change.
/// </summary>
public static class StatusDetail
{
    public static string? For(HttpContext context, int? status) => status switch
    {
        StatusCodes.Status404NotFound => $"No endpoint at {context.Request.Path}; /swagger lists every endpoint.",
        StatusCodes.Status405MethodNotAllowed => $"{context.Request.Path} does not answer {context.Request.Method}; it answers {context.Response.Headers.Allow}.",
        StatusCodes.Status415UnsupportedMediaType => $"Send the body as JSON with 'Content-Type: application/json' (got {(string.IsNullOrEmpty(context.Request.ContentType) ? "no Content-Type" : $"'{context.Request.ContentType}'")}).",
        _ => null,
    };
}
