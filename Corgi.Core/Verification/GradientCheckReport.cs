using System;
using System.Collections.Generic;
using System.Globalization;

namespace Corgi.Verification;

/// <summary>What a <see cref="GradientCheckReport"/> compared.</summary>
public enum GradientCheckKind
{
    /// <summary>The gradient of a scalar function against central differences of the function.</summary>
    Gradient,

    /// <summary>Every row of the Jacobian of a tensor-valued function against central differences of it.</summary>
    Jacobian,

    /// <summary>A Hessian-vector product (gradient of the gradient) against central differences of the gradient.</summary>
    SecondOrder,
}

/// <summary>
/// The outcome of a <see cref="GradientChecker"/> comparison: the largest errors, the worst element with
/// both values there, and whether every element is within the tolerances.
/// </summary>
/// <remarks>
/// The worst element is the one whose error is the largest multiple of what the tolerances allow there
/// (|analytic - numeric| / (floor + rtol · max(|analytic|, |numeric|))), so it is the element that decides
/// <see cref="Passed"/>. <see cref="ToString"/> returns <see cref="Summary"/>.
/// </remarks>
/// <param name="Kind">What was compared.</param>
/// <param name="Passed">Whether every element was within the tolerances.</param>
/// <param name="MaxAbsoluteError">The largest |analytic - numeric| over all elements.</param>
/// <param name="MaxRelativeError">The largest |analytic - numeric| / max(|analytic|, |numeric|) over the elements whose
/// derivative is above the absolute floor (below it a relative error measures only rounding noise).</param>
/// <param name="WorstInput">The position of the input holding the worst element (-1 when nothing was checked).</param>
/// <param name="WorstElement">The row-major flat index of the worst element inside that input.</param>
/// <param name="WorstIndex">The N-dimensional index of the worst element inside that input.</param>
/// <param name="WorstOutput">For <see cref="GradientCheckKind.Jacobian"/>, the flat index of the output element whose
/// derivative was worst; -1 otherwise.</param>
/// <param name="Analytic">The reverse-mode derivative at the worst element.</param>
/// <param name="Numeric">The finite-difference derivative at the worst element.</param>
/// <param name="ElementsChecked">How many derivatives were compared.</param>
/// <param name="ElementsFailed">How many of them were outside the tolerances.</param>
/// <param name="AbsoluteFloor">The absolute floor used (<see cref="GradientCheckOptions.AbsoluteTolerance"/> times the function's scale).</param>
/// <param name="Options">The step size and tolerances used (for a float32 check, with <see cref="GradientCheckOptions.Float32Tolerance"/> added: <see cref="GradientCheckOptions.ForDType(DType)"/>).</param>
/// <param name="AnalyticDerivatives">Per input, the reverse-mode derivatives (for a Jacobian: of shape output shape ++ input shape).</param>
/// <param name="NumericDerivatives">Per input, the finite-difference derivatives, shaped like <paramref name="AnalyticDerivatives"/>.</param>
/// <param name="DType">The dtype whose analytic derivatives were checked: float32 when any input was float32 (then compared
/// with finite differences of the float64 twin of the computation), else float64. Both derivative lists hold float64 tensors.</param>
public sealed record GradientCheckReport(
    GradientCheckKind Kind,
    bool Passed,
    double MaxAbsoluteError,
    double MaxRelativeError,
    int WorstInput,
    int WorstElement,
    int[] WorstIndex,
    int WorstOutput,
    double Analytic,
    double Numeric,
    int ElementsChecked,
    int ElementsFailed,
    double AbsoluteFloor,
    GradientCheckOptions Options,
    IReadOnlyList<Tensor> AnalyticDerivatives,
    IReadOnlyList<Tensor> NumericDerivatives,
    DType DType = DType.Float64)
{
    /// <summary>
    /// One readable paragraph: passed or failed, how many elements failed, the worst element with both
    /// values and errors, and the step size and tolerances.
    /// </summary>
    /// <example>
    /// <c>gradient check FAILED: 3 of 3 elements outside tolerance; worst: input 0, element [2] (flat 2):
    /// analytic 4, numeric 12, abs error 8, rel error 0.6667; max abs error 8, max rel error 0.6667
    /// (float64; h = 1e-06, rtol = 1e-06, atol floor = 1.1e-05)</c></example>
    /// <example>A float32 check ends <c>(float32 against its float64 twin; h = 1e-06, rtol = 0.0001202, atol floor = ...)</c>.
    /// </example>
    public string Summary
    {
        get
        {
            var c = CultureInfo.InvariantCulture;
            string what = Kind switch
            {
                GradientCheckKind.Jacobian => "jacobian check",
                GradientCheckKind.SecondOrder => "second-order check",
                _ => "gradient check",
            };
            string dtype = DType == DType.Float32 ? "float32 against its float64 twin" : "float64";
            if (ElementsChecked == 0)
                return $"{what} passed: no elements to compare ({dtype})";
            string verdict = Passed ? "passed" : "FAILED";
            string worst = "input " + WorstInput.ToString(c) + ", element [" + string.Join(",", WorstIndex) + "] (flat " + WorstElement.ToString(c) + ")";
            if (WorstOutput >= 0) worst = "output element " + WorstOutput.ToString(c) + " w.r.t. " + worst;
            double absErr = Math.Abs(Analytic - Numeric);
            double scale = Math.Max(Math.Abs(Analytic), Math.Abs(Numeric));
            double relErr = scale > 0 ? absErr / scale : 0;
            return string.Create(c,
                $"{what} {verdict}: {ElementsFailed} of {ElementsChecked} elements outside tolerance; " +
                $"worst: {worst}: analytic {Analytic:G10}, numeric {Numeric:G10}, abs error {absErr:G4}, rel error {relErr:G4}; " +
                $"max abs error {MaxAbsoluteError:G4}, max rel error {MaxRelativeError:G4} " +
                $"({dtype}; h = {Options.StepSize:G4}, rtol = {Options.RelativeTolerance:G4}, atol floor = {AbsoluteFloor:G4})");
        }
    }

    /// <summary>The same as <see cref="Summary"/>.</summary>
    public override string ToString() => Summary;
}
