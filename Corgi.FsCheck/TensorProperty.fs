namespace Corgi.FsCheck

open System
open Corgi
open Corgi.Verification
open global.FsCheck
open global.FsCheck.FSharp

/// Turns gradient checks and tensor comparisons into FsCheck properties whose failure message says what
/// went wrong (the check's summary, or both tensors printed).
/// <example>
/// <code>
/// [&lt;Property(Arbitrary = [| typeof&lt;Arbitraries&gt; |])&gt;]
/// let ``tanh has the right gradient`` (x: Tensor) =
///     TensorProperty.gradient (fun xs -> xs.[0].Tanh().Sum()) [| x |]
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module TensorProperty =

    /// A property that holds when the check passed, labelled with the check's summary.
    let ofReport (report: GradientCheckReport) : Property = Prop.label report.Summary report.Passed

    /// The gradient of a scalar function equals central differences (see <see cref="T:Corgi.Verification.GradientChecker"/>).
    let gradientWith (options: GradientCheckOptions) (f: Tensor[] -> Tensor) (inputs: Tensor[]) : Property =
        GradientChecker.Check(Func<Tensor[], Tensor> f, inputs, options) |> ofReport

    /// The gradient of a scalar function equals central differences, with the default step and tolerances.
    let gradient (f: Tensor[] -> Tensor) (inputs: Tensor[]) : Property = gradientWith GradientCheckOptions.Default f inputs

    /// The Jacobian of a tensor-valued function equals central differences.
    let jacobianWith (options: GradientCheckOptions) (f: Tensor[] -> Tensor) (inputs: Tensor[]) : Property =
        GradientChecker.CheckJacobian(Func<Tensor[], Tensor> f, inputs, options) |> ofReport

    /// The Hessian-vector product along a random direction equals central differences of the gradient.
    let secondOrderWith (options: GradientCheckOptions) (f: Tensor[] -> Tensor) (inputs: Tensor[]) : Property =
        GradientChecker.CheckSecondOrder(Func<Tensor[], Tensor> f, inputs, options) |> ofReport

    /// Both tensors have the same shape and |actual - expected| &lt;= atol + rtol |expected|; labelled with both.
    let close (rtol: float) (atol: float) (expected: Tensor) (actual: Tensor) : Property =
        Prop.label
            $"expected {expected}{Environment.NewLine}actual   {actual}"
            (actual.AllClose(expected, rtol, atol))

    /// Both tensors have the same shape and exactly the same values; labelled with both.
    let equal (expected: Tensor) (actual: Tensor) : Property =
        Prop.label $"expected {expected}{Environment.NewLine}actual   {actual}" (actual.Equals expected)
