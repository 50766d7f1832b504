using System;

namespace Corgi.Verification;

/// <summary>
/// Step size and tolerances of a <see cref="GradientChecker"/> comparison between reverse-mode derivatives
/// and central finite differences.
/// </summary>
/// <remarks>
/// <para>A central difference (f(x + h) - f(x - h)) / 2h differs from f'(x) by a truncation error of about
/// h²|f'''|/6 and a rounding error of about ε|f|/h (ε = 2.2e-16, the float64 machine epsilon, times the
/// few roundings in f). Both are balanced near h = ε^(1/3) ≈ 6e-6; the default h = 1e-6 leaves a truncation
/// error near 1e-13 |f'''| and a rounding error near 2e-10 |f|, so for well-scaled functions the numeric
/// derivative is good to about 1e-9.</para>
/// <para>An element passes when |analytic - numeric| &lt;= floor + <see cref="RelativeTolerance"/> ·
/// max(|analytic|, |numeric|). The default relative tolerance 1e-6 is three orders of magnitude above the
/// expected error, so a correct derivative passes and any wrong formula (off by a factor, a sign, a missing
/// term) fails. The absolute floor is <see cref="AbsoluteTolerance"/> · max(1, |f|max), scaled by the
/// largest magnitude of the function's value because the rounding error grows with it; it keeps gradients
/// that are zero (or nearly) from failing on rounding noise. If you change h, keep the tolerances above
/// h² and ε/h: <see cref="ForStepSize(double)"/> derives them for you.</para>
/// <example>
/// <code>
/// var options = new GradientCheckOptions(StepSize: 1e-5, RelativeTolerance: 1e-5);
/// var report = GradientChecker.Check(x =&gt; x.Exp().Sum(), Tensor.Of(1, 2), options);
/// </code>
/// </example>
/// </remarks>
/// <param name="StepSize">The finite-difference step h (default 1e-6).</param>
/// <param name="RelativeTolerance">The allowed error relative to max(|analytic|, |numeric|) (default 1e-6).</param>
/// <param name="AbsoluteTolerance">The absolute floor, multiplied by max(1, largest |value| of the function) (default 1e-6).</param>
/// <param name="Seed">Seeds the random direction of the second-order check (<c>GradientChecker.CheckSecondOrder</c>) (default 0).</param>
public sealed record GradientCheckOptions(
    double StepSize = 1e-6,
    double RelativeTolerance = 1e-6,
    double AbsoluteTolerance = 1e-6,
    int Seed = 0)
{
    /// <summary>The defaults: h = 1e-6, relative tolerance 1e-6, absolute floor 1e-6.</summary>
    public static GradientCheckOptions Default { get; } = new();

    /// <summary>
    /// Options for a given step size with tolerances that follow from it: the expected error of a central
    /// difference is about h² + ε/h (ε = 2.2e-16) for a well-scaled function; both tolerances are set to
    /// 1000 times that, and never below 1e-6 (so the default step gives the defaults).
    /// </summary>
    /// <param name="stepSize">The finite-difference step h, greater than 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">The step size is not positive and finite.</exception>
    /// <example><c>GradientCheckOptions.ForStepSize(1e-4)</c> gives tolerances 1e-5 (truncation h² = 1e-8, times 1000).</example>
    public static GradientCheckOptions ForStepSize(double stepSize)
    {
        if (!(stepSize > 0) || !double.IsFinite(stepSize))
            throw new ArgumentOutOfRangeException(nameof(stepSize), $"gradient check: the step size must be positive and finite, got {stepSize}");
        double expected = stepSize * stepSize + 2.220446049250313e-16 / stepSize;
        double tol = Math.Max(1e-6, 1000 * expected);
        return new GradientCheckOptions(stepSize, tol, tol);
    }

    internal void Validate()
    {
        if (!(StepSize > 0) || !double.IsFinite(StepSize))
            throw new ArgumentOutOfRangeException(nameof(StepSize), $"gradient check: the step size must be positive and finite, got {StepSize}");
        if (!(RelativeTolerance >= 0) || !(AbsoluteTolerance >= 0))
            throw new ArgumentOutOfRangeException(nameof(RelativeTolerance), $"gradient check: tolerances must be non-negative, got relative {RelativeTolerance} and absolute {AbsoluteTolerance}");
    }
}
