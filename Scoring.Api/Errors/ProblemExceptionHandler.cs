using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace NetflixML.Scoring.Api.Errors;

/// <summary>
/// Maps exceptions to application/problem+json: what the request needs is missing -> 503 with the command that
/// creates it; a query value of the wrong type or given twice -> 400 validation problem naming it; malformed JSON
/// (naming the field and what it must be) or a missing body -> 400; a body over the limit -> 413; a body without a
/// JSON Content-Type -> 415; anything else -> 500 with a trace id and no stack trace (it is logged).
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException badQuery && QueryValueProblem.Describe(badQuery, httpContext.Request.Query) is var (field, message))
        {
            httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            var invalid = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] }) { Status = StatusCodes.Status400BadRequest };
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = invalid, Exception = exception });
        }

        var (status, title, detail) = exception switch
        {
            ServiceUnavailableException e => (StatusCodes.Status503ServiceUnavailable, "Service unavailable", e.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "Request body too large", "The request body is larger than the configured limit (Scoring:MaxRequestBodyBytes)."),
            BadHttpRequestException e when e.InnerException is System.Text.Json.JsonException json => RequestBodyProblem.Describe(json),
            BadHttpRequestException e when RequestBodyProblem.IsMissingBody(e) => (StatusCodes.Status400BadRequest, "Missing body", RequestBodyProblem.Missing),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => (StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", StatusDetail.For(httpContext, StatusCodes.Status415UnsupportedMediaType)),
            BadHttpRequestException e => (e.StatusCode, "Bad request", e.Message),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", "An unexpected error occurred; it has been logged with the trace id below."),
        };
        if (status >= 500 && exception is not ServiceUnavailableException)
        {
            Unexpected(logger, exception, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = httpContext.Request.Path };
        if (exception is ServiceUnavailableException { Command.Length: > 0 } unavailable)
        {
            problem.Extensions["command"] = unavailable.Command;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void Unexpected(ILogger logger, Exception exception, string path);
}

/// <summary>Refuses a body whose declared length is over the limit before anything reads it (413).</summary>
public sealed class RequestSizeLimit(RequestDelegate next, Microsoft.Extensions.Options.IOptions<Configuration.ScoringOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength > limit)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }

        await next(context);
    }
}
