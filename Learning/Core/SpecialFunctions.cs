namespace NetflixML.Learning.Core;

/// <summary>Numeric helpers the engine and the tests share.</summary>
public static class SpecialFunctions
{
    /// <summary>The error function, to about 1.2e-7 absolute error (Numerical Recipes' erfc approximation).</summary>
    public static double Erf(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
            + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
            + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }

    /// <summary>Standard normal cumulative distribution.</summary>
    public static double NormalCdf(double z) =>
        double.IsPositiveInfinity(z) ? 1 : double.IsNegativeInfinity(z) ? 0 : 0.5 * (1 + Erf(z / Math.Sqrt(2)));

    /// <summary>1 / (1 + e^-x), written to stay finite for large |x|.</summary>
    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    public static float Sigmoid(float x) => x >= 0 ? 1 / (1 + MathF.Exp(-x)) : MathF.Exp(x) / (1 + MathF.Exp(x));
}
