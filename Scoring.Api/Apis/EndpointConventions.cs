namespace NetflixML.Scoring.Api.Apis;

/// <summary>Response documentation shared by endpoints of the same kind.</summary>
public static class EndpointConventions
{
    /// <summary>A prediction from a JSON body: 400 (validation or malformed JSON), 413 (too large), 503 (no model).</summary>
    public static RouteHandlerBuilder ProducesPredictionProblems(this RouteHandlerBuilder builder) => builder
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
