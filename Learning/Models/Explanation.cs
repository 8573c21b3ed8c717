namespace NetflixML.Learning.Models;

/// <summary>One raw column's share of a prediction's score.</summary>
public sealed record FeatureContribution(string Feature, double Contribution);

/// <summary>A prediction split into a bias and per-column contributions (score units; they sum to the score).</summary>
public sealed record Explanation(double Score, double Probability, double Bias, IReadOnlyList<FeatureContribution> Contributions);
