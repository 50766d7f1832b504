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
/// <para><b>float32.</b> When an input is float32, the analytic gradient is computed in float32 and compared
/// with central differences of the float64 twin of the computation (the same function at the same point,
/// its inputs widened exactly to float64): float32 finite differences would be too noisy (with u = 2⁻²⁴ the
/// rounding error u|f|/h of a difference quotient is about 0.06 |f| at h = 1e-6, and balancing it against
/// the truncation error still leaves about u^(2/3) ≈ 1.5e-5 relative error at best). What remains is the error of
/// float32 arithmetic in the analytic gradient. A value computed in float32 through a chain of m roundings
/// (forward, backward, and float32 accumulations of k terms counting k) has |g̃ - g| ≤ γ_m Σ|terms|,
/// γ_m = m·u / (1 - m·u) (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, §3.1). The
/// tensors a gradient check can afford (tens to a few hundred elements, ops depth ≤ 10, float32 sums and
/// softmax accumulating in double) stay well below m = 2000 roundings, so the float32 tolerance is
/// γ_2000 ≈ 2000·u = 1000·ε₃₂ ≈ 1.19e-4 (ε₃₂ = 2⁻²³, <see cref="Float32Epsilon"/>), applied both relative
/// to max(|analytic|, |numeric|) and, like the float64 floor, absolutely times max(1, |f|max) (Σ|terms| is
/// of the size of the function's values for the well-scaled functions checked). It is added to the float64
/// tolerances, which bound the error of the twin's finite differences: rtol = <see cref="RelativeTolerance"/> +
/// <see cref="Float32Tolerance"/>, atol = <see cref="AbsoluteTolerance"/> + <see cref="Float32Tolerance"/>
/// (see <see cref="ForDType(DType)"/>). A wrong derivative (a factor, a sign, a missing term) is off by
/// O(1) relative, far above 1e-4.</para>
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
/// <param name="Float32Tolerance">The error float32 arithmetic may add to the analytic gradient of a float32 input, relative
/// and absolute (times max(1, |f|max)); added to both tolerances when a float32 input is checked (default
/// <see cref="DefaultFloat32Tolerance"/> = 1000·ε₃₂ ≈ 1.19e-4, derived above).</param>
public sealed record GradientCheckOptions(
    double StepSize = 1e-6,
    double RelativeTolerance = 1e-6,
    double AbsoluteTolerance = 1e-6,
    int Seed = 0,
    double Float32Tolerance = GradientCheckOptions.DefaultFloat32Tolerance)
{
    /// <summary>The float32 machine epsilon ε₃₂ = 2⁻²³ ≈ 1.19e-7 (the spacing of floats at 1; the unit roundoff is half of it).</summary>
    public const double Float32Epsilon = 1.1920928955078125e-7;

    /// <summary>
    /// The default <see cref="Float32Tolerance"/>: 1000·ε₃₂ = 2000·u ≈ 1.19e-4, the error bound γ_m of a
    /// float32 computation with up to m = 2000 roundings (see the remarks).
    /// </summary>
    public const double DefaultFloat32Tolerance = 1000 * Float32Epsilon;

    /// <summary>
    /// The options in effect when inputs of <paramref name="dtype"/> are checked: these options for float64,
    /// and for float32 both tolerances plus <see cref="Float32Tolerance"/> (the float64 part bounds the
    /// error of the float64 twin's finite differences, the float32 part the error of float32 arithmetic).
    /// </summary>
    /// <param name="dtype">The dtype whose analytic gradient is compared.</param>
    /// <example><c>GradientCheckOptions.Default.ForDType(DType.Float32).RelativeTolerance</c> is 1e-6 + 1.19e-4.</example>
    public GradientCheckOptions ForDType(DType dtype) =>
        dtype == DType.Float32
            ? this with { RelativeTolerance = RelativeTolerance + Float32Tolerance, AbsoluteTolerance = AbsoluteTolerance + Float32Tolerance }
            : this;

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
        if (!(RelativeTolerance >= 0) || !(AbsoluteTolerance >= 0) || !(Float32Tolerance >= 0))
            throw new ArgumentOutOfRangeException(nameof(RelativeTolerance), $"gradient check: tolerances must be non-negative, got relative {RelativeTolerance}, absolute {AbsoluteTolerance} and float32 {Float32Tolerance}");
    }
}
